package io.synscope.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code java -jar examples/target/synscope-examples.jar http}, as the README runs it. */
class HttpExampleIT {
  private static final Pattern CLIENT =
      Pattern.compile("^app +GET /hello/(\\d) +CLIENT .* span ([0-9a-f]{16}) \\(root\\) status=200$");

  @Test
  void eachConnectSitsUnderItsRequestAndEachAcceptBesideTheServersHandling() throws Exception {
    ExampleRun run = ExampleRun.of(Duration.ofSeconds(90), List.of(), "http");

    assertThat(run.exitCode()).as(run.describe()).isZero();
    List<String> lines = run.lines();
    assertThat(lines).as(run.describe()).noneMatch(l -> l.startsWith("MISSING"));
    assertThat(lines)
        .contains(
            "app:      REQUEST 1 status=200 body=hello 1",
            "app:      REQUEST 2 status=200 body=hello 2",
            "app:      REQUEST 3 status=200 body=hello 3");
    assertThat(lines.stream().filter(l -> l.startsWith("synscope  tcp.connect ")))
        .as(run.describe())
        .hasSize(3);
    assertThat(lines.stream().filter(l -> l.startsWith("synscope  tcp.accept ")))
        .as(run.describe())
        .hasSize(3);

    Set<String> serverPorts = new java.util.HashSet<>();
    Set<String> clientPorts = new java.util.HashSet<>();
    for (int n = 1; n <= 3; n++) {
      String request = requestSpan(lines, n, run);
      // The connect: a child of the request, client port L to the server's port P.
      Matcher connect =
          only(
              lines,
              "^synscope  tcp\\.connect +CLIENT +[0-9.]+ ms  span ([0-9a-f]{16}) parent "
                  + request
                  + "  127\\.0\\.0\\.1:(\\d+) -> 127\\.0\\.0\\.1:(\\d+) syn_retransmits=0 rtt_us=\\d+"
                  + " state=ESTABLISHED api=socket_channel$",
              run);
      String clientPort = connect.group(2);
      clientPorts.add(clientPort);
      serverPorts.add(connect.group(3));
      // The accept of that connection: a root span on the server's port, from client port L.
      only(
          lines,
          "^synscope  tcp\\.accept +SERVER +[0-9.]+ ms  span [0-9a-f]{16} \\(root\\)  127\\.0\\.0\\.1:"
              + connect.group(3)
              + " <- 127\\.0\\.0\\.1:"
              + clientPort
              + " syn_retransmits=0 queue_wait_ms=\\d+ queue_depth=0 backlog=50 rtt_us=\\d+"
              + " state=ESTABLISHED api=server_socket_channel$",
          run);
      // The server's handling: the request's child too, on the connection from port L.
      only(
          lines,
          "^app +GET /hello/" + n + " +SERVER .* span [0-9a-f]{16} parent " + request
              + "  <- 127\\.0\\.0\\.1:" + clientPort + " status=200$",
          run);
      // And the summary says so.
      only(
          lines,
          "^    tcp\\.connect  span " + connect.group(1) + " parent " + request
              + " \\(the request\\)  [0-9.]+ ms, 0 SYN retransmits, client port " + clientPort
              + "$",
          run);
    }
    assertThat(serverPorts).as("one server").hasSize(1);
    assertThat(clientPorts).as("a connection per request").hasSize(3);
    assertThat(run.stderr()).doesNotContain("[synscope] WARN").contains("[synscope] agent");
  }

  private static String requestSpan(List<String> lines, int n, ExampleRun run) {
    List<String> ids =
        lines.stream()
            .map(CLIENT::matcher)
            .filter(Matcher::matches)
            .filter(m -> m.group(1).equals(Integer.toString(n)))
            .map(m -> m.group(2))
            .collect(Collectors.toList());
    assertThat(ids).as("client span of request %d in\n%s", n, run.describe()).hasSize(1);
    return ids.get(0);
  }

  private static Matcher only(List<String> lines, String regex, ExampleRun run) {
    Pattern p = Pattern.compile(regex);
    List<Matcher> matches =
        lines.stream().map(p::matcher).filter(Matcher::matches).collect(Collectors.toList());
    assertThat(matches).as("lines matching %s in\n%s", regex, run.describe()).hasSize(1);
    return matches.get(0);
  }
}
