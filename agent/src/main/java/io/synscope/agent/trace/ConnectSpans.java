package io.synscope.agent.trace;

import static io.synscope.agent.trace.TcpSemantics.*;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.synscope.agent.metrics.TcpMetrics;
import io.synscope.probe.InetAddressText;
import io.synscope.probe.TcpInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** Makes {@code tcp.connect} spans and records the connect's meters. */
final class ConnectSpans {
  private final Tracer tracer;
  private final NanoClock clock;
  private final TcpMetrics metrics;

  ConnectSpans(Tracer tracer, NanoClock clock, TcpMetrics metrics) {
    this.tracer = tracer;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * Ends a connect's span.
   *
   * @param local the connection's local end, null when it failed
   * @param info the socket's tcp_info at the end (on failure: just before the JDK closed it), or
   *     null when the kernel could not be asked
   * @return the span's context, the parent of the connection's lifetime span
   */
  SpanContext end(
      String api,
      boolean nonBlocking,
      Context parent,
      InetSocketAddress remote,
      InetSocketAddress local,
      long startNanos,
      long endNanos,
      Throwable thrown,
      TcpInfo info) {
    SpanBuilder b =
        tracer
            .spanBuilder(SPAN_CONNECT)
            .setSpanKind(SpanKind.CLIENT)
            .setParent(parent)
            .setStartTimestamp(clock.epochNanos(startNanos), TimeUnit.NANOSECONDS)
            .setAttribute(NETWORK_TRANSPORT, "tcp")
            .setAttribute(TCP_API, api)
            .setAttribute(SERVER_ADDRESS, serverAddress(remote))
            .setAttribute(SERVER_PORT, (long) remote.getPort());
    if (nonBlocking) {
      b.setAttribute(TCP_CONNECT_NONBLOCKING, true);
    }
    InetAddress peer = remote.getAddress(); // null when unresolved
    if (peer != null) {
      b.setAttribute(NETWORK_TYPE, IpAddresses.networkType(peer))
          .setAttribute(NETWORK_PEER_ADDRESS, InetAddressText.format(peer))
          .setAttribute(NETWORK_PEER_PORT, (long) remote.getPort());
    }
    if (local != null && local.getAddress() != null) {
      b.setAttribute(NETWORK_LOCAL_ADDRESS, InetAddressText.format(local.getAddress()))
          .setAttribute(NETWORK_LOCAL_PORT, (long) local.getPort());
    }
    if (info != null) {
      // Before any data, total_retrans counts exactly the SYNs sent again during the handshake.
      b.setAttribute(TCP_SYN_RETRANSMITS, info.totalRetrans());
      String state = KernelStates.name(info);
      if (state != null) {
        b.setAttribute(TCP_STATE, state);
      }
      if (thrown == null) {
        b.setAttribute(TCP_RTT_US, info.rttMicros());
      }
    }
    String errorType = null;
    if (thrown != null) {
      errorType = ErrorTypes.of(thrown);
      b.setAttribute(ERROR_TYPE, errorType);
    }
    Span span = b.startSpan();
    if (thrown != null) {
      span.recordException(thrown);
      span.setStatus(StatusCode.ERROR, String.valueOf(thrown.getMessage()));
    }
    span.end(clock.epochNanos(endNanos), TimeUnit.NANOSECONDS);
    metrics.recordConnect(endNanos - startNanos, errorType);
    if (info != null) {
      metrics.recordSynRetransmits(info.totalRetrans());
    }
    return span.getSpanContext();
  }

  /** The host name the application asked for, or the address in canonical form for a literal. */
  private static String serverAddress(InetSocketAddress remote) {
    String host = remote.getHostString();
    InetAddress a = remote.getAddress();
    if (a != null && host.equals(a.getHostAddress())) {
      return InetAddressText.format(a);
    }
    return host;
  }
}
