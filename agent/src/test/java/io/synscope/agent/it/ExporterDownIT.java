package io.synscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.apps.ConnectChurnApp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An unreachable exporter endpoint costs the app nothing but lines saying what was lost, every
 * span counted.
 */
class ExporterDownIT {
  private static final int PAIRS = 20_000;
  /** The end of a lost-spans line: the latest failure's reason, once one is known. */
  private static final String WHY =
      "(?: \\(last failure: (.+)\\)|; is the endpoint reachable\\?)";
  private static final Pattern LOST =
      Pattern.compile(
          "\\[synscope\\] WARN spans lost in the last \\d+ s: (\\d+) dropped because the export"
              + " queue was full \\(otel.bsp.max.queue.size\\), (\\d+) not accepted by the"
              + " exporter's endpoint"
              + WHY);
  private static final Pattern LOST_AT_EXIT =
      Pattern.compile(
          "\\[synscope\\] WARN spans lost at exit: (\\d+) not exported when the flush gave up"
              + " after 5 s \\((\\d+) still queued, (\\d+) in an export that had not finished\\)"
              + WHY);

  @Test
  void churnWithTheEndpointDownCompletesAndCountsWhatWasLost() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    // Each export of the flush at exit gets one attempt, refused at once: the flush ends well
    // within its 5 s, every span it held counted as not accepted, none left behind.
    List<String> stderr = churnAndCountEverySpan(closedPort);
    assertThat(stderr).noneMatch(line -> LOST_AT_EXIT.matcher(line).matches());
    assertThat(reasons(stderr))
        .containsExactly(
            "POST http://127.0.0.1:"
                + closedPort
                + "/v1/traces failed: java.net.ConnectException: Connection refused");
  }

  /**
   * An endpoint that takes the connection and never answers (a listener that never accepts: the
   * kernel completes the handshakes and takes the request into its buffers): the export hangs
   * until its timeout, longer than the flush at exit waits.
   */
  @Test
  void churnWithAnEndpointThatNeverAnswersCompletesAndCountsWhatWasLost() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      List<String> stderr = churnAndCountEverySpan(silent.getLocalPort());
      assertThat(stderr).anyMatch(line -> LOST_AT_EXIT.matcher(line).matches());
      // An export fails only when its 10 s read timeout ends, which a quick run may not see.
      assertThat(reasons(stderr))
          .isSubsetOf(
              "POST http://127.0.0.1:"
                  + silent.getLocalPort()
                  + "/v1/traces failed: java.net.SocketTimeoutException: Read timed out");
    }
  }

  /** The distinct failure reasons the lost-spans lines give, in order. */
  private static Set<String> reasons(List<String> stderr) {
    Set<String> reasons = new LinkedHashSet<>();
    for (String line : stderr) {
      for (Pattern p : List.of(LOST, LOST_AT_EXIT)) {
        Matcher m = p.matcher(line);
        if (m.matches() && m.group(m.groupCount()) != null) {
          reasons.add(m.group(m.groupCount()));
        }
      }
    }
    return reasons;
  }

  /**
   * Churns with the endpoint at {@code endpointPort}; asserts that the agent's lines count every
   * span the run made, and returns its standard error.
   */
  private static List<String> churnAndCountEverySpan(int endpointPort) throws IOException {
    try (ForkedJvm app =
        ForkedJvm.builder(ConnectChurnApp.class)
            .withAgent()
            .systemProperty("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + endpointPort)
            .args(Integer.toString(PAIRS))
            .timeout(Duration.ofSeconds(180))
            .start()) {
      app.awaitSuccess();

      assertThat(app.stdoutLines()).containsExactly("DONE " + PAIRS);
      List<String> stderr = app.stderr().lines().toList();
      assertThat(stderr).noneMatch(line -> line.startsWith("\tat "));
      List<Matcher> lost =
          stderr.stream().map(LOST::matcher).filter(Matcher::matches).toList();
      assertThat(lost).as("spans lost lines in %s", stderr).isNotEmpty();
      long total = 0;
      for (Matcher m : lost) {
        total += Long.parseLong(m.group(1)) + Long.parseLong(m.group(2));
      }
      List<Matcher> atExit =
          stderr.stream().map(LOST_AT_EXIT::matcher).filter(Matcher::matches).toList();
      assertThat(atExit).as("spans lost at exit in %s", stderr).hasSizeLessThanOrEqualTo(1);
      long left = 0;
      for (Matcher exit : atExit) {
        left = Long.parseLong(exit.group(1));
        assertThat(left)
            .isEqualTo(Long.parseLong(exit.group(2)) + Long.parseLong(exit.group(3)))
            .isPositive();
      }
      // None of the run's spans (two per pair) could be exported, and every one is counted: lost
      // during the run, or left queued or in an export when the flush at exit gave up.
      assertThat(total + left).as("%s", stderr).isEqualTo(2L * PAIRS);
      return stderr;
    }
  }
}
