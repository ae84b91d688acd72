package io.synscope.agent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Prometheus server (the {@code prometheus} binary, e.g. Debian's package) started for one
 * test on a free loopback port, with its own configuration and storage under {@code
 * target/prometheus/}, scraping one target every second. Queried through its HTTP API. Close it to
 * end the process, through its own handle.
 */
public final class PrometheusServer implements AutoCloseable {
  /** The job name of the one scrape target. */
  public static final String JOB = "synscope";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final Pattern VALUE =
      Pattern.compile("\"value\":\\[[-+0-9.eE]+,\"([^\"]*)\"\\]");

  private final Process process;
  private final Path log;
  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private PrometheusServer(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** The prometheus binary on this machine, if any. */
  public static Optional<Path> binary() {
    return Stream.concat(
            Stream.of(Path.of("/usr/bin/prometheus")),
            Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "prometheus")))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** A loopback port nobody listened on a moment ago. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts Prometheus scraping {@code http://<target>/metrics} every second and waits until it is
   * ready to answer queries.
   *
   * @param target host:port of the endpoint to scrape
   */
  public static PrometheusServer start(String target) {
    Path binary =
        binary().orElseThrow(() -> new IllegalStateException("no prometheus binary found"));
    try {
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS"));
      Path dir = Files.createDirectories(Path.of("target", "prometheus", stamp)).toAbsolutePath();
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(
          config,
          "global:\n"
              + "  scrape_interval: 1s\n"
              + "  scrape_timeout: 1s\n"
              + "scrape_configs:\n"
              + "  - job_name: "
              + JOB
              + "\n"
              + "    metrics_path: /metrics\n"
              + "    static_configs:\n"
              + "      - targets: ['"
              + target
              + "']\n");
      int port = freePort();
      Path log = dir.resolve("prometheus.log");
      Process process =
          new ProcessBuilder(
                  binary.toString(),
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + port)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      PrometheusServer server = new PrometheusServer(process, log, port);
      server.awaitReady();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + binary, e);
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw failure("exited with " + process.exitValue() + " while starting");
      }
      try {
        if (get("/-/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      pause();
    }
    close();
    throw failure("was not ready within " + START_TIMEOUT);
  }

  /** The values of an instant query's result samples, in the order Prometheus lists them. */
  public List<Double> query(String promql) {
    String body;
    try {
      HttpResponse<String> r =
          get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
      body = r.body();
      if (r.statusCode() != 200 || !body.startsWith("{\"status\":\"success\"")) {
        throw failure("answered " + r.statusCode() + " to " + promql + ": " + body);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("query " + promql, e);
    }
    // An instant vector's samples each carry "value":[<time>,"<value>"]; nothing else does.
    List<Double> values = new ArrayList<>();
    Matcher m = VALUE.matcher(body);
    while (m.find()) {
      values.add(sampleValue(m.group(1)));
    }
    return values;
  }

  /** Prometheus writes infinities as +Inf and -Inf, which Java does not parse. */
  private static double sampleValue(String text) {
    switch (text) {
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        return Double.parseDouble(text);
    }
  }

  /**
   * Waits until the query returns exactly one sample equal to {@code expected}; returns the last
   * answer otherwise, for the caller's assertion to show.
   */
  public List<Double> awaitSingleValue(String promql, double expected, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Double> values = query(promql);
    while (!values.equals(List.of(expected)) && System.nanoTime() < deadline) {
      pause();
      values = query(promql);
    }
    return values;
  }

  /** How many scrapes of the target Prometheus has stored so far. */
  public long scrapes() {
    List<Double> v = query("count_over_time(up{job=\"" + JOB + "\"}[1h])");
    return v.isEmpty() ? 0 : v.get(0).longValue();
  }

  /** Waits until Prometheus has scraped {@code more} times beyond {@code after}. */
  public long awaitScrapes(long after, int more, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long n = scrapes();
    while (n < after + more) {
      if (System.nanoTime() >= deadline) {
        throw failure("scraped " + (n - after) + " times, not " + more + ", within " + timeout);
      }
      pause();
      n = scrapes();
    }
    return n;
  }

  private HttpResponse<String> get(String pathAndQuery) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The poll interval of the waits: a fifth of the scrape interval. */
  private static void pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private AssertionError failure(String what) {
    String output;
    try {
      output = Files.readString(log);
    } catch (IOException e) {
      output = "(log unreadable: " + e + ")";
    }
    return new AssertionError("prometheus " + what + "\n--- " + log + " ---\n" + output);
  }

  /** Ends the server through its own process handle. */
  @Override
  public void close() {
    Processes.stop(process, STOP_GRACE);
  }
}
