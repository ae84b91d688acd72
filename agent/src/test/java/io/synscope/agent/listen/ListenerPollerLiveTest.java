package io.synscope.agent.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.TracerProvider;
import io.synscope.probe.TcpProbe;
import io.synscope.probe.TcpProbes;
import io.synscope.probe.proc.StackCounters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The poller's thread, its meters and its robustness, in this JVM against the real kernel. */
class ListenerPollerLiveTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void pollsOnAnAgentThreadFeedsTheMetersAndStopsWhenClosed() throws IOException {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ListenerPoller poller =
        new ListenerPoller(
            Duration.ofMillis(100),
            TcpProbes::netlink,
            TracerProvider.noop().get("test"),
            registry,
            silentLog());
    try (ServerSocket server = new ServerSocket()) {
      poller.begin();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 13);
      String port = Integer.toString(server.getLocalPort());
      // Under the poller the meters show its readings: the gauge appears once it has polled.
      await()
          .atMost(WAIT)
          .until(
              () ->
                  registry.find(ListenMeterNames.LISTEN_QUEUE_LIMIT).tag("port", port).gauge()
                      != null);
      assertThat(
              registry.get(ListenMeterNames.LISTEN_QUEUE_LIMIT).tag("port", port).gauge().value())
          .isEqualTo(13.0);
      assertThat(pollerThreadAlive()).isTrue();
    } finally {
      poller.close();
    }
    assertThat(registry.getMeters()).isEmpty();
    // The executor has terminated; its worker thread ends a moment after saying so.
    await().atMost(WAIT).until(() -> !pollerThreadAlive());
  }

  @Test
  void aFailingPollIsSaidOnceAndPollingGoesOn() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicReference<TcpProbe> probe = new AtomicReference<>();
    ListenerPoller poller =
        new ListenerPoller(
            Duration.ofMillis(50),
            () -> {
              probe.set(TcpProbes.netlink());
              return probe.get();
            },
            TracerProvider.noop().get("test"),
            registry,
            silentLog());
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      poller.begin();
      await().atMost(WAIT).until(() -> poller.readings() != null && probe.get() != null);
      probe.get().close();
      StackCounters seen = poller.readings().counters();
      // Counters are still read, poll after poll, while every listener read fails.
      await().atMost(WAIT).until(() -> poller.readings().counters() != seen);
      StackCounters later = poller.readings().counters();
      await().atMost(WAIT).until(() -> poller.readings().counters() != later);
    } finally {
      poller.close();
      System.setErr(err);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    assertThat(text.split("cannot read this process's listening sockets", -1))
        .as("said once: %s", text)
        .hasSize(2);
  }

  private static boolean pollerThreadAlive() {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("synscope-listen-") && t.isAlive()) {
        return true;
      }
    }
    return false;
  }

  private static OverflowDetector.IncidentLog silentLog() {
    return new OverflowDetector.IncidentLog() {
      @Override
      public void warn(String line) {}

      @Override
      public void info(String line) {}
    };
  }
}
