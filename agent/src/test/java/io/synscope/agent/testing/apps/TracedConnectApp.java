package io.synscope.agent.testing.apps;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

/**
 * A forked app with an OpenTelemetry SDK of its own: it connects to its own loopback listener
 * inside one of its spans, lets the connection wait in the accept queue for {@code args[0]}
 * milliseconds, accepts it, and prints what it observed:
 *
 * <pre>
 * CONNECT trace=T parent=S local_port=L server_port=P start_us=A end_us=B
 * ACCEPT peer_port=L queued_min_ms=Q1 queued_max_ms=Q2 backlog=50
 * </pre>
 *
 * where A and B bound the connect call in epoch microseconds, and the connection's time in the
 * accept queue lies between Q1 (from connect returning to accept returning) and Q2 (from connect
 * called to accept returning): the handshake completes somewhere inside the connect call.
 */
public final class TracedConnectApp {
  private static final int BACKLOG = 50;

  private TracedConnectApp() {}

  public static void main(String[] args) throws Exception {
    long queueMillis = Long.parseLong(args[0]);
    // Without a processor the SDK makes no real spans; the app's own spans need not go anywhere.
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(SpanExporter.composite()))
            .build();
    Tracer tracer = provider.get("traced-connect-app");
    try (ServerSocket server = new ServerSocket(0, BACKLOG, InetAddress.getLoopbackAddress());
        Socket client = new Socket()) {
      Span call = tracer.spanBuilder("app.call").startSpan();
      long startMicros = epochMicros();
      long calling = System.nanoTime();
      try (Scope ignored = call.makeCurrent()) {
        client.connect(server.getLocalSocketAddress(), 5_000);
      }
      long connected = System.nanoTime();
      long endMicros = epochMicros();
      call.end();
      // The subject of the test, not a synchronisation: the connection sits in the accept queue.
      TimeUnit.MILLISECONDS.sleep(queueMillis);
      try (Socket accepted = server.accept()) {
        long acceptedAt = System.nanoTime();
        System.out.println(
            "CONNECT trace="
                + call.getSpanContext().getTraceId()
                + " parent="
                + call.getSpanContext().getSpanId()
                + " local_port="
                + client.getLocalPort()
                + " server_port="
                + server.getLocalPort()
                + " start_us="
                + startMicros
                + " end_us="
                + endMicros);
        System.out.println(
            "ACCEPT peer_port="
                + accepted.getPort()
                + " queued_min_ms="
                + TimeUnit.NANOSECONDS.toMillis(acceptedAt - connected)
                + " queued_max_ms="
                + TimeUnit.NANOSECONDS.toMillis(acceptedAt - calling)
                + " backlog="
                + BACKLOG);
      }
    }
    provider.close();
  }

  private static long epochMicros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }
}
