package io.synscope.agent.listen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The reference view: {@code ss}'s output, one line per socket, split in columns. */
final class Ss {
  private Ss() {}

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

  /** {@code ss ARGS...}, e.g. {@code -ltnieH sport = :PORT}, one entry per socket's line. */
  static List<String[]> run(String... args) {
    List<String> command = new ArrayList<>();
    command.add("ss");
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("ss finished").isTrue();
      assertThat(p.exitValue()).as("ss exit status; output: %s", text).isEqualTo(0);
      List<String[]> out = new ArrayList<>();
      for (String line : text.split("\n")) {
        if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
          out.add(line.trim().split("\\s+"));
        }
      }
      return out;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }

  /** The {@code ino:N} field of an {@code ss -e} line. */
  static long inode(String[] columns) {
    for (String c : columns) {
      if (c.startsWith("ino:")) {
        return Long.parseLong(c.substring(4));
      }
    }
    throw new AssertionError("no ino: in " + String.join(" ", columns));
  }
}
