package io.synscope.agent.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** TIME_WAIT sockets left on a port after a run, counted by ss. */
final class TimeWaitSockets {
  private TimeWaitSockets() {}

  /** TIME_WAIT sockets whose local or remote port is {@code port}; -1 when ss failed. */
  static long onPort(int port) throws IOException, InterruptedException {
    Process ss =
        new ProcessBuilder(
                "ss",
                "-tanH",
                "state",
                "time-wait",
                "( sport = :" + port + " or dport = :" + port + " )")
            .redirectErrorStream(true)
            .start();
    long lines;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(ss.getInputStream(), StandardCharsets.UTF_8))) {
      lines = r.lines().filter(l -> !l.isBlank()).count();
    }
    if (ss.waitFor() != 0) {
      return -1;
    }
    return lines;
  }
}
