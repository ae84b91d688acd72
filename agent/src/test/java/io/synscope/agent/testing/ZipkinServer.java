package io.synscope.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Zipkin server (the executable zipkin-server jar named by the system property {@value
 * #JAR_PROPERTY}) with its default in-memory storage, listening on 127.0.0.1 only, on a port free
 * when it starts. The collectors that would reach other hosts (Kafka, RabbitMQ, ActiveMQ, Pulsar)
 * and service discovery are switched off. Its output goes to {@code target/zipkin-server/}.
 * Close it to end the process, through its own handle.
 */
public final class ZipkinServer implements AutoCloseable {
  /** The system property that names the zipkin-server exec jar; set by the integration-test run. */
  public static final String JAR_PROPERTY = "synscope.zipkin.jar";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final long POLL_MILLIS = 200;
  private static final int START_ATTEMPTS = 3;

  private final Process process;
  private final int port;
  private final Path log;

  private ZipkinServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** The zipkin-server jar, from {@value #JAR_PROPERTY}. */
  public static Path jar() {
    String jar = System.getProperty(JAR_PROPERTY);
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          JAR_PROPERTY
              + "="
              + jar
              + " is not a file: the integration-test run copies zipkin-server there in"
              + " pre-integration-test");
    }
    return Path.of(jar);
  }

  /**
   * Starts a server and waits until {@code /health} says UP. A port taken between choosing it and
   * the server binding it makes the server exit; then another port is tried.
   */
  public static ZipkinServer start() {
    AssertionError last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      ZipkinServer server = launch(freeLoopbackPort());
      try {
        server.awaitHealthy();
        return server;
      } catch (AssertionError e) {
        server.close();
        last = e;
        if (server.process.isAlive() || !server.logText().contains("Address already in use")) {
          break;
        }
      }
    }
    throw last;
  }

  private static ZipkinServer launch(int port) {
    try {
      Path dir = Files.createDirectories(Path.of("target", "zipkin-server"));
      Path log = dir.resolve("zipkin-" + port + ".log");
      List<String> command = new ArrayList<>();
      command.add(Jdks.current().java().toString());
      command.add("-Xmx256m");
      command.add("-jar");
      command.add(jar().toString());
      command.add("--armeria.ports[0].ip=127.0.0.1");
      command.add("--armeria.ports[0].port=" + port);
      command.add("--armeria.ports[0].protocols[0]=http");
      command.add("--zipkin.collector.kafka.enabled=false");
      command.add("--zipkin.collector.rabbitmq.enabled=false");
      command.add("--zipkin.collector.activemq.enabled=false");
      command.add("--zipkin.collector.pulsar.enabled=false");
      command.add("--zipkin.discovery.eureka.enabled=false");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      return new ZipkinServer(process, port, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start zipkin-server", e);
    }
  }

  private static int freeLoopbackPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitHealthy() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "zipkin-server exited with " + process.exitValue() + " before it was healthy:\n"
                + logText());
      }
      try {
        Response health = get("/health");
        if (health.status() == 200 && health.body().contains("\"UP\"")) {
          return;
        }
      } catch (IOException notListeningYet) {
        // keep polling until the deadline
      }
      try {
        TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for zipkin-server", e);
      }
    }
    throw new AssertionError(
        "zipkin-server not healthy within " + START_TIMEOUT + ":\n" + logText());
  }

  public int port() {
    return port;
  }

  /** Where spans are posted: the value for {@code otel.exporter.zipkin.endpoint}. */
  public String spansEndpoint() {
    return "http://127.0.0.1:" + port + "/api/v2/spans";
  }

  /** The base URL, e.g. for the UI: {@code http://127.0.0.1:PORT}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** An HTTP status and body from the server's API. */
  public record Response(int status, String body) {}

  /** GET {@code pathAndQuery} from the server. */
  public Response get(String pathAndQuery) throws IOException {
    HttpURLConnection c =
        (HttpURLConnection) URI.create(baseUrl() + pathAndQuery).toURL().openConnection();
    try {
      c.setConnectTimeout(2_000);
      c.setReadTimeout(10_000);
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Response(status, body);
    } finally {
      c.disconnect();
    }
  }

  /** The traces of a service ({@code /api/v2/traces?serviceName=}), each a list of spans. */
  @SuppressWarnings("unchecked")
  public List<List<Map<String, Object>>> traces(String serviceName) throws IOException {
    Response r = get("/api/v2/traces?limit=100&serviceName=" + serviceName);
    if (r.status() != 200) {
      throw new AssertionError("GET /api/v2/traces answered " + r.status() + ": " + r.body());
    }
    return (List<List<Map<String, Object>>>) Json.parse(r.body());
  }

  /** One trace's spans ({@code /api/v2/trace/ID}); empty when Zipkin does not have it (yet). */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> trace(String traceId) throws IOException {
    Response r = get("/api/v2/trace/" + traceId);
    if (r.status() == 404) {
      return List.of();
    }
    if (r.status() != 200) {
      throw new AssertionError("GET /api/v2/trace answered " + r.status() + ": " + r.body());
    }
    return (List<Map<String, Object>>) Json.parse(r.body());
  }

  public String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** Ends the server process (this one only) and waits for it. */
  @Override
  public void close() {
    Processes.stop(process, STOP_TIMEOUT);
  }
}
