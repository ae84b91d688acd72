package io.synscope.probe.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Starts a {@link LoopbackPeer} in a child JVM on this JVM's class path and talks to it over its
 * standard streams. Closing it closes the child's standard input and waits for the child to end.
 */
final class PeerProcess implements AutoCloseable {
  private static final long EXIT_WAIT_SECONDS = 30;

  private final Process process;
  private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(1024);
  private final List<InetSocketAddress> listeners = new ArrayList<>();

  private PeerProcess(Process process) {
    this.process = process;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  lines.put(line);
                }
                lines.put("EOF");
              } catch (IOException | InterruptedException e) {
                lines.offer("ERROR reading the peer's output: " + e);
              }
            },
            "peer-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts the peer and waits for its listeners.
   *
   * @param connections how many connections it will accept before it reports ready
   */
  static PeerProcess start(int ipv4Listeners, int ipv6Listeners, int connections)
      throws IOException, InterruptedException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        List.of(
            java,
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            LoopbackPeer.class.getName(),
            Integer.toString(ipv4Listeners),
            Integer.toString(ipv6Listeners),
            Integer.toString(connections));
    Process p =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    PeerProcess peer = new PeerProcess(p);
    try {
      for (int i = 0; i < ipv4Listeners + ipv6Listeners; i++) {
        String[] f = peer.expectLine("LISTEN", 60).split(" ");
        peer.listeners.add(
            new InetSocketAddress(InetAddress.getByName(f[1]), Integer.parseInt(f[2])));
      }
      return peer;
    } catch (IOException | RuntimeException e) {
      peer.close();
      throw e;
    }
  }

  /** The peer's listening addresses, IPv4 first. */
  List<InetSocketAddress> listeners() {
    return listeners;
  }

  long pid() {
    return process.pid();
  }

  /** Waits until the peer reports that it accepted every connection. */
  int awaitAccepted(long timeoutSeconds) throws IOException, InterruptedException {
    return Integer.parseInt(expectLine("ACCEPTED", timeoutSeconds).split(" ")[1]);
  }

  private String expectLine(String prefix, long timeoutSeconds)
      throws IOException, InterruptedException {
    String line = lines.poll(timeoutSeconds, TimeUnit.SECONDS);
    if (line == null) {
      throw new IOException(
          "the peer process sent no '" + prefix + "' line within " + timeoutSeconds + " s");
    }
    if (!line.startsWith(prefix + " ")) {
      throw new IOException("expected '" + prefix + " ...' from the peer process, got: " + line);
    }
    return line;
  }

  /** Closes the peer's input and waits for it to end; kills it if it does not. */
  @Override
  public void close() throws IOException {
    process.getOutputStream().close();
    try {
      if (process.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroyForcibly();
    throw new IOException(
        "the peer process " + process.pid() + " did not end within " + EXIT_WAIT_SECONDS
            + " s of its input closing; killed");
  }
}
