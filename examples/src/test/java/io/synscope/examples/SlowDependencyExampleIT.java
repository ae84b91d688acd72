package io.synscope.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.synscope.probe.proc.TcpSysctls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code java -jar examples/target/synscope-examples.jar slow-dependency}, as the README runs it. */
class SlowDependencyExampleIT {
  private static final long CONNECT_TIMEOUT_MILLIS = 3500;

  private static boolean canMakeNamespaces() {
    return "root".equals(System.getProperty("user.name"))
        && (Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")))
        && (Files.isExecutable(Path.of("/usr/sbin/nft"))
            || Files.isExecutable(Path.of("/sbin/nft")));
  }

  @Test
  void theSpanShowsTheKernelsSynRetransmitsAndTheConnectTimeout() throws Exception {
    assumeTrue(canMakeNamespaces(), "slow-dependency needs root, ip and nft");
    // What this kernel's settings make of a connect that gets no answer for 3.5 s.
    long expected =
        TcpSysctls.read().synRetransmitSchedule().retransmitMillis().stream()
            .filter(t -> t < CONNECT_TIMEOUT_MILLIS)
            .count();

    ExampleRun run = ExampleRun.of(Duration.ofSeconds(90), List.of(), "slow-dependency");

    assertThat(run.exitCode()).as(run.describe()).isZero();
    List<String> lines = run.lines();
    Matcher call =
        only(lines, "^app +GET /inventory +CLIENT +[0-9.]+ ms  span ([0-9a-f]{16}) \\(root\\)  ERROR$",
            run);
    Matcher connect =
        only(
            lines,
            "^synscope  tcp\\.connect +CLIENT +([0-9.]+) ms  span [0-9a-f]{16} parent "
                + call.group(1)
                + "  -> 198\\.18\\.7\\.\\d+:8080 syn_retransmits="
                + expected
                + " state=SYN_SENT error=timed_out api=socket$",
            run);
    assertThat(Double.parseDouble(connect.group(1)))
        .as("the connect span lasts the connect timeout")
        .isBetween((double) CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS + 500.0);
    only(lines, "^app: +CALL failed after \\d+ ms: java\\.net\\.SocketTimeoutException: Connect"
        + " timed out$", run);
    only(lines, "^  within the 3500 ms connect timeout that is " + expected
        + " retransmits, and the span counted " + expected + "\\.$", run);
    assertThat(lines).noneMatch(l -> l.startsWith("MISSING"));

    Matcher ns = only(lines, "^slow-dependency: .*\\(network namespace (synscope-slow-\\d+)\\).*$",
        run);
    assertThat(Path.of("/run/netns", ns.group(1))).as("the namespace is removed").doesNotExist();
  }

  private static Matcher only(List<String> lines, String regex, ExampleRun run) {
    Pattern p = Pattern.compile(regex);
    List<Matcher> matches = lines.stream().map(p::matcher).filter(Matcher::matches).toList();
    assertThat(matches).as("lines matching %s in\n%s", regex, run.describe()).hasSize(1);
    return matches.get(0);
  }
}
