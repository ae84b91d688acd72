package io.synscope.agent.testing.apps;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What a test app saw around one connect or accept call: wall-clock times before and after, the
 * monotonic time the call took, the addresses of the connection or the exception. Printed as one
 * line, {@code OBS} then tab-separated {@code key=value} fields, for the test to compare with the
 * agent's span.
 */
public final class Observation {
  private final Map<String, String> fields = new LinkedHashMap<>();
  private final long startNanos;

  private Observation(String kind, String caseName) {
    fields.put("kind", kind);
    fields.put("case", caseName);
    fields.put("thread", Thread.currentThread().toString());
    fields.put("before", Long.toString(epochNanosNow()));
    this.startNanos = System.nanoTime();
  }

  /** Starts observing a call: reads the clocks, so call it right before the call. */
  public static Observation begin(String kind, String caseName) {
    return new Observation(kind, caseName);
  }

  /** Stops observing: reads the clocks, so call it right after the call returned or threw. */
  public Observation end() {
    long nanos = System.nanoTime() - startNanos;
    fields.put("after", Long.toString(epochNanosNow()));
    fields.put("nanos", Long.toString(nanos));
    return this;
  }

  /** The address the app asked to connect to, as it gave it. */
  public Observation remote(InetSocketAddress remote) {
    fields.put("remoteHost", remote.getHostString());
    return put("remotePort", remote.getPort());
  }

  /** The two ends of the connection, as the app's socket reports them. */
  public Observation endpoints(SocketAddress local, SocketAddress peer) {
    InetSocketAddress l = (InetSocketAddress) local;
    InetSocketAddress p = (InetSocketAddress) peer;
    return put("localAddress", l.getAddress().getHostAddress())
        .put("localPort", l.getPort())
        .put("peerAddress", p.getAddress().getHostAddress())
        .put("peerPort", p.getPort());
  }

  /** The exception the call ended with, unwrapped from a future's wrapper; no message if null. */
  public Observation failure(Throwable thrown) {
    Throwable t = thrown;
    if ((t instanceof ExecutionException || t instanceof CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    put("error", t.getClass().getName());
    return t.getMessage() == null ? this : put("message", t.getMessage());
  }

  public Observation put(String key, Object value) {
    fields.put(key, String.valueOf(value));
    return this;
  }

  /** Prints the line; whole lines only, whichever thread prints. */
  public void print() {
    StringBuilder line = new StringBuilder("OBS");
    fields.forEach((k, v) -> line.append('\t').append(k).append('=').append(v));
    synchronized (System.out) {
      System.out.println(line);
      System.out.flush();
    }
  }

  private static long epochNanosNow() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
