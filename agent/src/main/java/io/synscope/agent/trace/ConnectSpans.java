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
import io.synscope.probe.TcpInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** Makes {@code tcp.connect} spans and records the connect's meters. */
final class ConnectSpans {
  private final Tracer tracer;
  private final NanoClock clock;
  private final TcpMetrics metrics;
  private final int synRetransmitsBeforeGivingUp;
  private final SpanThreshold threshold;

  /**
   * @param synRetransmitsBeforeGivingUp the SYNs the kernel sends again before ETIMEDOUT, or -1
   * @param threshold which connects get a span
   */
  ConnectSpans(
      Tracer tracer,
      NanoClock clock,
      TcpMetrics metrics,
      int synRetransmitsBeforeGivingUp,
      SpanThreshold threshold) {
    this.tracer = tracer;
    this.clock = clock;
    this.metrics = metrics;
    this.synRetransmitsBeforeGivingUp = synRetransmitsBeforeGivingUp;
    this.threshold = threshold;
  }

  /**
   * Ends a connect's span.
   *
   * @param local the connection's local end, null when it failed
   * @param info the socket's tcp_info at the end (on failure: just before the JDK closed it), or
   *     null when the kernel could not be asked
   * @return the span's context, the parent of the connection's lifetime span; the parent's when
   *     the connect was below the threshold
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
    InetAddress peer = remote.getAddress(); // null when unresolved
    if (peer == null) {
      info = null; // the name never resolved: no SYN was sent, the kernel has nothing to say
    }
    String errorType = thrown == null ? null : ErrorTypes.of(thrown);
    long synRetransmits = synRetransmits(info, errorType);
    metrics.recordConnect(endNanos - startNanos, errorType);
    if (synRetransmits >= 0) {
      metrics.recordSynRetransmits(synRetransmits);
    }
    if (!threshold.spans(endNanos - startNanos, thrown != null, synRetransmits)) {
      return Span.fromContext(parent).getSpanContext();
    }
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
    if (peer != null) {
      b.setAttribute(NETWORK_TYPE, IpAddresses.networkType(peer))
          .setAttribute(NETWORK_PEER_ADDRESS, IpAddresses.text(peer))
          .setAttribute(NETWORK_PEER_PORT, (long) remote.getPort());
    }
    if (local != null && local.getAddress() != null) {
      b.setAttribute(NETWORK_LOCAL_ADDRESS, IpAddresses.text(local.getAddress()))
          .setAttribute(NETWORK_LOCAL_PORT, (long) local.getPort());
    }
    if (synRetransmits >= 0) {
      b.setAttribute(TCP_SYN_RETRANSMITS, synRetransmits);
    }
    if (info != null) {
      String state = KernelStates.name(info);
      if (state != null) {
        b.setAttribute(TCP_STATE, state);
      }
      if (thrown == null) {
        b.setAttribute(TCP_RTT_US, info.rttMicros());
      }
    }
    if (errorType != null) {
      b.setAttribute(ERROR_TYPE, errorType);
    }
    Span span = b.startSpan();
    if (thrown != null) {
      span.recordException(thrown);
      if (thrown.getMessage() == null) {
        span.setStatus(StatusCode.ERROR);
      } else {
        span.setStatus(StatusCode.ERROR, thrown.getMessage());
      }
    }
    span.end(clock.epochNanos(endNanos), TimeUnit.NANOSECONDS);
    return span.getSpanContext();
  }

  /**
   * The SYNs this connect sent again, or -1 when unknown. Before any data, tcp_info's
   * total_retrans counts exactly those. But a blocking connect that fails in the kernel ends in
   * tcp_disconnect(), which clears the socket's counters (segs_out too, although at least one
   * SYN went out): then a timeout means the kernel went through its whole schedule, and anything
   * else is unknown.
   */
  private long synRetransmits(TcpInfo info, String errorType) {
    if (info == null) {
      return -1;
    }
    boolean cleared = errorType != null && info.segsOut() == 0;
    if (!cleared) {
      return info.totalRetrans();
    }
    return ErrorTypes.TIMED_OUT.equals(errorType) ? synRetransmitsBeforeGivingUp : -1;
  }

  /** The host name the application asked for, or the address in canonical form for a literal. */
  private static String serverAddress(InetSocketAddress remote) {
    String host = remote.getHostString();
    InetAddress a = remote.getAddress();
    if (a == null) {
      return host;
    }
    // A literal as ss prints it (any IPv4 literal) needs no formatting of the address: the text
    // is cached. An IPv6 one in the JDK's long form is compared in that form.
    String text = IpAddresses.text(a);
    if (host.equals(text) || (host.indexOf(':') >= 0 && host.equals(a.getHostAddress()))) {
      return text;
    }
    return host;
  }
}
