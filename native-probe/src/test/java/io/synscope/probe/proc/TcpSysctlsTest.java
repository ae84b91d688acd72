package io.synscope.probe.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.synscope.probe.MalformedDataException;
import io.synscope.probe.testing.Ss;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class TcpSysctlsTest {

  @Test
  void parsesEachSettingAndLeavesMissingOnesEmpty() {
    Map<String, String> texts = new LinkedHashMap<>();
    texts.put(TcpSysctls.SOMAXCONN, "4096\n");
    texts.put(TcpSysctls.TCP_SYN_RETRIES, "6\n");
    texts.put(TcpSysctls.TCP_SYNCOOKIES, "1\n");
    TcpSysctls s = TcpSysctls.parse(texts);
    assertThat(s.somaxconn()).hasValue(4096);
    assertThat(s.tcpSynRetries()).hasValue(6);
    assertThat(s.tcpSyncookies()).hasValue(1);
    assertThat(s.tcpSynLinearTimeouts()).isEmpty();
    assertThat(s.tcpAbortOnOverflow()).isEmpty();
    assertThat(s.asMap()).containsOnlyKeys(
        TcpSysctls.SOMAXCONN, TcpSysctls.TCP_SYN_RETRIES, TcpSysctls.TCP_SYNCOOKIES);
  }

  @Test
  void nonIntegerValueIsMalformed() {
    for (String bad : List.of("", "\n", "abc", "4096 1", "99999999999", "1.5")) {
      assertThatThrownBy(() -> TcpSysctls.parse(Map.of(TcpSysctls.SOMAXCONN, bad)))
          .as("'%s'", bad)
          .isInstanceOf(MalformedDataException.class)
          .hasMessage("sysctl net.core.somaxconn holds '" + bad.strip()
              + "', not one decimal integer");
    }
  }

  @Test
  void defaultScheduleMatchesTheKernelDocumentation() {
    // ip-sysctl.rst, tcp_syn_retries: 6 with tcp_syn_linear_timeouts 4 is 67 s to the last
    // retransmission and a final timeout after 131 s
    SynRetransmitSchedule s = SynRetransmitSchedule.compute(6, 4, 1000, 120_000);
    assertThat(s.retransmitMillis())
        .containsExactly(1000L, 2000L, 3000L, 4000L, 5000L, 7000L, 11000L, 19000L, 35000L, 67000L);
    assertThat(s.giveUpMillis()).isEqualTo(131_000);
    assertThat(s.retransmits()).isEqualTo(10);
  }

  @Test
  void scheduleWithoutLinearTimeoutsDoubles() {
    // kernels before 6.5: 1, 3, 7, 15, 31, 63 s and ETIMEDOUT at 127 s for 6 retries
    SynRetransmitSchedule s = SynRetransmitSchedule.compute(6, 0, 1000, 120_000);
    assertThat(s.retransmitMillis())
        .containsExactly(1000L, 3000L, 7000L, 15000L, 31000L, 63000L);
    assertThat(s.giveUpMillis()).isEqualTo(127_000);
  }

  @Test
  void theModelTimeoutEndsShortSchedulesBeforeTheCount() {
    // measured on kernel 6.18 with SYNs dropped by nftables in a network namespace: retries 2 and
    // linear 4 gave 6 SYNs and ETIMEDOUT after 7.1 s; retries 1, linear 1: 3 SYNs, 4.1 s;
    // retries 3, linear 0: 4 SYNs, 15.5 s
    SynRetransmitSchedule a = SynRetransmitSchedule.compute(2, 4, 1000, 120_000);
    assertThat(a.retransmitMillis()).containsExactly(1000L, 2000L, 3000L, 4000L, 5000L);
    assertThat(a.giveUpMillis()).isEqualTo(7000);
    SynRetransmitSchedule b = SynRetransmitSchedule.compute(1, 1, 1000, 120_000);
    assertThat(b.retransmitMillis()).containsExactly(1000L, 2000L);
    assertThat(b.giveUpMillis()).isEqualTo(4000);
    SynRetransmitSchedule c = SynRetransmitSchedule.compute(3, 0, 1000, 120_000);
    assertThat(c.retransmitMillis()).containsExactly(1000L, 3000L, 7000L);
    assertThat(c.giveUpMillis()).isEqualTo(15_000);
  }

  @Test
  void scheduleIsCappedByTheMaximumRto() {
    // TCP_RTO_MAX 120 s: model timeout (2^7 - 1) s + 2 * 120 s = 367 s for 8 retries
    SynRetransmitSchedule s = SynRetransmitSchedule.compute(8, 0, 1000, 120_000);
    assertThat(s.retransmitMillis())
        .containsExactly(1000L, 3000L, 7000L, 15000L, 31000L, 63000L, 127000L, 247000L);
    assertThat(s.giveUpMillis()).isEqualTo(367_000);
    assertThat(SynRetransmitSchedule.modelTimeoutMillis(8, 1000, 120_000)).isEqualTo(367_000);
  }

  @Test
  void scheduleRejectsImpossibleSettings() {
    assertThatThrownBy(() -> SynRetransmitSchedule.compute(0, 4, 1000, 120_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("synRetries 0 must be >= 1");
  }

  @Test
  void valuesEqualSysctlOutput() throws Exception {
    assumeTrue(Ss.hasTool("sysctl"), "sysctl is not installed");
    TcpSysctls s = TcpSysctls.read();
    for (String key : TcpSysctls.KEYS) {
      boolean present = Files.exists(Paths.get("/proc/sys", key.replace('.', '/')));
      OptionalInt expected = present ? OptionalInt.of(sysctl(key)) : OptionalInt.empty();
      assertThat(s.get(key)).as(key).isEqualTo(expected);
    }
    // this project's kernels all have these
    assertThat(s.somaxconn()).isPresent();
    assertThat(s.tcpSynRetries()).isPresent();
  }

  @Test
  void liveScheduleFollowsTheLiveSettings() {
    TcpSysctls s = TcpSysctls.read();
    SynRetransmitSchedule expected =
        SynRetransmitSchedule.compute(
            s.tcpSynRetries().getAsInt(),
            s.tcpSynLinearTimeouts().orElse(0),
            TcpSysctls.INITIAL_RTO_MILLIS,
            s.tcpRtoMaxMillis().isPresent()
                ? s.tcpRtoMaxMillis().getAsInt()
                : TcpSysctls.DEFAULT_RTO_MAX_MILLIS);
    assertThat(s.synRetransmitSchedule()).isEqualTo(expected);
  }

  /** {@code sysctl -n key}; fails the test when sysctl exits with an error. */
  private static int sysctl(String key) {
    return Integer.parseInt(Ss.run(List.of("sysctl", "-n", key)).strip());
  }
}
