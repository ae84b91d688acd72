package io.synscope.agent.trace;

import static io.synscope.agent.trace.TcpSemantics.*;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.synscope.agent.metrics.TcpMetrics;
import io.synscope.probe.TcpInfo;
import io.synscope.probe.TcpInfoField;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Makes {@code tcp.accept} spans: from the handshake's completion, when the connection entered the
 * accept queue, to the application's accept returning it.
 */
final class AcceptSpans {
  private static final long NANOS_PER_MILLI = 1_000_000L;

  private final Tracer tracer;
  private final NanoClock clock;
  private final TcpMetrics metrics;
  private final SpanThreshold threshold;

  AcceptSpans(Tracer tracer, NanoClock clock, TcpMetrics metrics, SpanThreshold threshold) {
    this.tracer = tracer;
    this.clock = clock;
    this.metrics = metrics;
    this.threshold = threshold;
  }

  /** What an accept span leaves for the connection's lifetime: its context and start. */
  record Accepted(io.opentelemetry.api.trace.SpanContext span, long establishedNanos) {}

  /**
   * Ends an accept's span.
   *
   * @param acceptStartNanos when the application entered accept: the span's start when the kernel
   *     cannot tell when the handshake completed
   * @param info the accepted socket's tcp_info, or null
   * @param infoNanos when {@code info} was read: its last_data_sent counts back from then
   * @param listenerInfo reads the listener's tcp_info (its queue depth and backlog), or gives
   *     null; not called for a connection that gets no span
   */
  Accepted end(
      String api,
      Context parent,
      InetSocketAddress peer,
      InetSocketAddress local,
      long acceptStartNanos,
      long endNanos,
      TcpInfo info,
      long infoNanos,
      Supplier<TcpInfo> listenerInfo) {
    long startNanos = acceptStartNanos;
    if (info != null) {
      // last_data_sent: milliseconds (counted in jiffies) since the socket last sent data. The
      // kernel sets that time when it creates the socket at the handshake's completion (the
      // moment the connection joined the accept queue, tcp_create_openreq_child), and nothing
      // sends data on it before the application has accepted it. Not last_ack_recv: a client
      // that sends data or closes before the accept moves that one on.
      startNanos = Math.min(endNanos, infoNanos - info.lastDataSentMillis() * NANOS_PER_MILLI);
      metrics.recordAcceptQueueWait(endNanos - startNanos);
    }
    // An accepted socket's total_retrans counts the SYN-ACKs its server sent again.
    long retransmits = info == null ? -1 : info.totalRetrans();
    if (!threshold.spans(endNanos - startNanos, false, retransmits)) {
      return new Accepted(Span.fromContext(parent).getSpanContext(), startNanos);
    }
    SpanBuilder b =
        tracer
            .spanBuilder(SPAN_ACCEPT)
            .setSpanKind(SpanKind.SERVER)
            .setParent(parent)
            .setAttribute(NETWORK_TRANSPORT, "tcp")
            .setAttribute(TCP_API, api)
            .setAttribute(NETWORK_TYPE, IpAddresses.networkType(peer.getAddress()))
            .setAttribute(NETWORK_PEER_ADDRESS, IpAddresses.text(peer.getAddress()))
            .setAttribute(NETWORK_PEER_PORT, (long) peer.getPort())
            .setAttribute(NETWORK_LOCAL_ADDRESS, IpAddresses.text(local.getAddress()))
            .setAttribute(NETWORK_LOCAL_PORT, (long) local.getPort());
    if (info != null) {
      b.setAttribute(TCP_ACCEPT_QUEUE_WAIT_MS, (endNanos - startNanos) / NANOS_PER_MILLI)
          .setAttribute(TCP_SYN_RETRANSMITS, retransmits)
          .setAttribute(TCP_RTT_US, info.rttMicros());
      String state = KernelStates.name(info);
      if (state != null) {
        b.setAttribute(TCP_STATE, state);
      }
      if (info.bytesReceived() > 0) {
        b.setAttribute(TCP_ACCEPT_BYTES_RECEIVED, info.bytesReceived());
      }
    }
    TcpInfo listener = listenerInfo.get();
    if (listener != null) {
      // For a listener, tcp_info carries the accept queue's length in unacked and its limit in
      // sacked (tcp_get_info, net/ipv4/tcp.c).
      b.setAttribute(TCP_LISTEN_QUEUE_DEPTH, listener.get(TcpInfoField.UNACKED))
          .setAttribute(TCP_LISTEN_BACKLOG, listener.get(TcpInfoField.SACKED));
    }
    Span span =
        b.setStartTimestamp(clock.epochNanos(startNanos), TimeUnit.NANOSECONDS).startSpan();
    span.end(clock.epochNanos(endNanos), TimeUnit.NANOSECONDS);
    return new Accepted(span.getSpanContext(), startNanos);
  }
}
