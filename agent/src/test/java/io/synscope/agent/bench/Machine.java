package io.synscope.agent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;

/** The machine a benchmark runs on, and how busy it is, as each benchmark prints them. */
final class Machine {
  private Machine() {}

  static void printMachine() throws IOException {
    String model = "unknown CPU";
    for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
      if (line.startsWith("model name")) {
        model = line.substring(line.indexOf(':') + 1).trim();
        break;
      }
    }
    String memory = "";
    for (String line : Files.readAllLines(Paths.get("/proc/meminfo"))) {
      if (line.startsWith("MemTotal:")) {
        long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
        memory = String.format(Locale.ROOT, ", %.0f GiB", kib / 1024.0 / 1024.0);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "Machine: %s, %d cores%s; Linux %s; Java %s (%s)%n",
        model,
        Runtime.getRuntime().availableProcessors(),
        memory,
        System.getProperty("os.version"),
        System.getProperty("java.runtime.version"),
        System.getProperty("java.vm.vendor"));
  }

  static void printLoad(String when) throws IOException {
    String load = Files.readString(Paths.get("/proc/loadavg")).trim();
    String[] f = load.split(" ");
    System.out.printf(
        Locale.ROOT, "Load average %s: %s %s %s (1, 5, 15 min)%n", when, f[0], f[1], f[2]);
  }
}
