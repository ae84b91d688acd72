package io.synscope.examples.slow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A dependency that never answers: a network namespace of the example's own, joined to this host
 * by a veth pair on a /30 of 198.18.0.0/15 (the range RFC 2544 sets aside for benchmarks, so no
 * real host is reached), with an nftables rule inside that drops every SYN to the dependency's
 * port. Made by {@link #create}, removed by {@link #close}; needs root, {@code ip} and {@code nft}.
 */
final class SynDroppingNamespace implements AutoCloseable {
  private static final long COMMAND_SECONDS = 10;

  private final String namespace;
  private final String hostLink;
  private final String dependencyAddress;

  private SynDroppingNamespace(String namespace, String hostLink, String dependencyAddress) {
    this.namespace = namespace;
    this.hostLink = hostLink;
    this.dependencyAddress = dependencyAddress;
  }

  /** Why this machine cannot make the namespace, or null when it can. */
  static String unsupportedReason() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "it needs root (it makes a network namespace with an nftables rule); running as "
          + System.getProperty("user.name");
    }
    for (String tool : List.of("ip", "nft")) {
      if (!onPath(tool)) {
        return "it needs the " + tool + " tool ("
            + (tool.equals("ip") ? "iproute2" : "nftables") + "), which is not installed";
      }
    }
    return null;
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    for (String dir : List.of("/usr/sbin", "/sbin")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  static SynDroppingNamespace create(int port) throws IOException, InterruptedException {
    long pid = ProcessHandle.current().pid();
    String namespace = "synscope-slow-" + pid;
    String hostLink = "ssd" + pid + "h";
    String peerLink = "ssd" + pid + "n";
    int subnet = (int) (pid % 64) * 4; // a /30 in 198.18.7.0/24, different per process
    String hostAddress = "198.18.7." + (subnet + 1);
    String dependencyAddress = "198.18.7." + (subnet + 2);
    SynDroppingNamespace ns = new SynDroppingNamespace(namespace, hostLink, dependencyAddress);
    try {
      run("ip", "netns", "add", namespace);
      run("ip", "link", "add", hostLink, "type", "veth", "peer", "name", peerLink, "netns",
          namespace);
      run("ip", "addr", "add", hostAddress + "/30", "dev", hostLink);
      run("ip", "link", "set", hostLink, "up");
      run("ip", "-n", namespace, "addr", "add", dependencyAddress + "/30", "dev", peerLink);
      run("ip", "-n", namespace, "link", "set", peerLink, "up");
      run("ip", "-n", namespace, "link", "set", "lo", "up");
      nft(namespace, "add table inet synscope_example");
      nft(namespace,
          "add chain inet synscope_example input { type filter hook input priority 0 ; }");
      nft(namespace,
          "add rule inet synscope_example input tcp dport " + port + " tcp flags syn drop");
      return ns;
    } catch (IOException | RuntimeException e) {
      ns.close();
      throw e;
    }
  }

  private static void nft(String namespace, String rule) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "nft"));
    command.addAll(List.of(rule.split(" ")));
    run(command.toArray(new String[0]));
  }

  /** The dependency's address: the namespace's end of the veth pair. */
  String dependencyAddress() {
    return dependencyAddress;
  }

  String namespace() {
    return namespace;
  }

  /** Removes the veth pair and the namespace (and with it the rule); quietly, at most once each. */
  @Override
  public void close() {
    try {
      runQuietly("ip", "link", "del", hostLink);
      runQuietly("ip", "netns", "delete", namespace);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output;
    if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish within "
          + COMMAND_SECONDS + " s");
    }
    output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): "
          + output);
    }
  }

  private static void runQuietly(String... command) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (IOException e) {
      // best effort at cleanup: the namespace may already be gone
    }
  }
}
