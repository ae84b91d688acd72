package io.synscope.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.synscope.probe.linux.NetlinkTcpProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class TcpProbesTest {

  @Test
  void fallbackToProcIsLoggedOnceWithTheCause() {
    Logger jul = Logger.getLogger(TcpProbes.class.getName());
    List<LogRecord> records = new ArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            records.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    jul.addHandler(handler);
    try {
      AtomicBoolean logged = new AtomicBoolean();
      Throwable cause = new IllegalStateException("no sock_diag here");
      try (TcpProbe first = TcpProbes.open(null, false, cause, logged);
          TcpProbe second = TcpProbes.open("auto", false, cause, logged)) {
        assertThat(first.source()).isEqualTo(DataSource.PROC);
        assertThat(second.source()).isEqualTo(DataSource.PROC);
      }
      assertThat(records).hasSize(1);
      assertThat(records.get(0).getLevel()).isEqualTo(java.util.logging.Level.WARNING);
      assertThat(records.get(0).getMessage())
          .startsWith("netlink sock_diag is not available (java.lang.IllegalStateException: no"
              + " sock_diag here); reading TCP sockets from /proc/net/tcp");
    } finally {
      jul.removeHandler(handler);
    }
  }

  @Test
  void procCanBeForced() {
    try (TcpProbe p = TcpProbes.open(" PROC ", true, null, new AtomicBoolean())) {
      assertThat(p.source()).isEqualTo(DataSource.PROC);
    }
    try (TcpProbe p = TcpProbes.proc()) {
      assertThat(p.source()).isEqualTo(DataSource.PROC);
    }
  }

  @Test
  void systemPropertyIsHonouredByOpen() {
    String old = System.getProperty(TcpProbes.PROPERTY);
    try {
      System.setProperty(TcpProbes.PROPERTY, "proc");
      try (TcpProbe p = TcpProbes.open()) {
        assertThat(p.source()).isEqualTo(DataSource.PROC);
      }
      System.setProperty(TcpProbes.PROPERTY, "netlinky");
      assertThatIllegalArgumentException()
          .isThrownBy(TcpProbes::open)
          .withMessage("system property synscope.probe is 'netlinky'; expected auto, netlink or"
              + " proc");
    } finally {
      if (old == null) {
        System.clearProperty(TcpProbes.PROPERTY);
      } else {
        System.setProperty(TcpProbes.PROPERTY, old);
      }
    }
  }

  @Test
  void autoChoosesNetlinkExactlyWhenItIsAvailable() {
    String old = System.getProperty(TcpProbes.PROPERTY);
    System.clearProperty(TcpProbes.PROPERTY);
    try (TcpProbe p = TcpProbes.open()) {
      assertThat(p.source())
          .isEqualTo(NetlinkTcpProbe.isAvailable() ? DataSource.NETLINK : DataSource.PROC);
    } finally {
      if (old != null) {
        System.setProperty(TcpProbes.PROPERTY, old);
      }
    }
  }
}
