package io.synscope.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The reference view: {@code ss -tan[ie]H} for one port, parsed. */
final class SsView {
  private static final Pattern INODE = Pattern.compile("\\bino:(\\d+)");

  /** One line of ss: its first five columns as printed, and the inode (-1 without -e). */
  record Line(String state, long recvQ, long sendQ, String local, String peer, long inode) {
    int localPort() {
      return port(local);
    }

    int peerPort() {
      return port(peer);
    }

    /** The first five columns, as the CLI's table must print them. */
    String columns() {
      return state + " " + recvQ + " " + sendQ + " " + local + " " + peer;
    }

    private static int port(String addressAndPort) {
      String p = addressAndPort.substring(addressAndPort.lastIndexOf(':') + 1);
      return p.equals("*") ? 0 : Integer.parseInt(p);
    }
  }

  private SsView() {}

  static boolean available() {
    try {
      Process p = new ProcessBuilder("ss", "-V").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** {@code ss OPTIONS sport = :PORT or dport = :PORT}, e.g. OPTIONS {@code -tanieH}. */
  static List<Line> forPort(String options, int port) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "ss", options, "sport", "=", ":" + port, "or", "dport", "=", ":" + port)
            .redirectErrorStream(true)
            .start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("ss finished").isTrue();
    assertThat(p.exitValue()).as("ss exit status; output: %s", text).isEqualTo(0);
    List<Line> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || Character.isWhitespace(line.charAt(0))) {
        continue; // blank, or the second line that -i adds to each socket
      }
      String[] t = line.trim().split("\\s+");
      Matcher m = INODE.matcher(line);
      out.add(
          new Line(t[0], Long.parseLong(t[1]), Long.parseLong(t[2]), t[3], t[4],
              m.find() ? Long.parseLong(m.group(1)) : -1));
    }
    return out;
  }
}
