package io.synscope.examples.slow;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.synscope.examples.app.AppTelemetry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * The {@code slow-dependency} example's application: one call to a dependency ({@code args: HOST
 * PORT TIMEOUT_MS}), a CLIENT span of its own, that connects with a connect timeout. Prints
 * {@code CALL ...} with how it ended.
 */
public final class SlowDependencyApp {
  private SlowDependencyApp() {}

  public static void main(String[] args) throws IOException {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int timeoutMillis = Integer.parseInt(args[2]);
    try (AppTelemetry telemetry = new AppTelemetry()) {
      Span call =
          telemetry
              .tracer()
              .spanBuilder("GET /inventory")
              .setSpanKind(SpanKind.CLIENT)
              .setAttribute("server.address", host)
              .setAttribute("server.port", (long) port)
              .startSpan();
      long start = System.nanoTime();
      try (Scope ignored = call.makeCurrent();
          Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), timeoutMillis);
        System.out.println("CALL connected (the dependency answered)");
      } catch (SocketTimeoutException e) {
        call.recordException(e);
        call.setStatus(StatusCode.ERROR, "the inventory service did not answer");
        System.out.println(
            "CALL failed after "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
                + " ms: "
                + e);
      } finally {
        call.end();
      }
    }
  }
}
