package io.synscope.agent.trace;

import static io.synscope.agent.trace.TcpSemantics.*;

import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.api.trace.Span;
import io.synscope.agent.kernel.KernelFacts;
import io.synscope.agent.metrics.ConnectionSummary;
import io.synscope.agent.metrics.TcpMetrics;
import io.synscope.probe.TcpInfo;
import io.synscope.probe.TcpState;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The connections the agent traced, from established until the application closes them; at the
 * close, the kernel's last word on each (tcp_info) goes into the lifetime meters and, when {@code
 * synscope.connection.spans=true}, a {@code tcp.connection} span.
 */
final class ConnectionLifetimes {
  /** What is remembered of an open connection. */
  record Open(
      boolean client,
      long establishedNanos,
      SpanContext opening,
      InetSocketAddress peer,
      InetSocketAddress local) {}

  private final DescriptorTable<Open> open =
      new DescriptorTable<>("open connections followed to their close");
  private final Tracer tracer;
  private final NanoClock clock;
  private final KernelFacts kernel;
  private final TcpMetrics metrics;
  private final boolean followed;
  private final boolean spans;

  /**
   * @param followed whether anything reads what a close tells (the meters go somewhere, or spans
   *     are made): if not, connections are not remembered at all
   * @param spans make a {@code tcp.connection} span at each close
   */
  ConnectionLifetimes(
      Tracer tracer,
      NanoClock clock,
      KernelFacts kernel,
      TcpMetrics metrics,
      boolean followed,
      boolean spans) {
    this.tracer = tracer;
    this.clock = clock;
    this.kernel = kernel;
    this.metrics = metrics;
    this.followed = followed;
    this.spans = spans;
  }

  /** Whether connections are to be remembered until they close. */
  boolean followed() {
    return followed;
  }

  /**
   * Remembers a connection; {@code owner} is the object whose close ends it (the socket's {@code
   * SocketImpl}, or the channel), {@code fd} its descriptor.
   */
  void opened(Object owner, int fd, Open connection) {
    if (owner != null) {
      open.put(fd, owner, connection);
    }
  }

  /** The owner is about to close: if it is a traced connection, account for its life. */
  void closing(Object owner, int fd) {
    Open o = open.remove(fd, owner);
    if (o == null) {
      return;
    }
    long now = System.nanoTime();
    TcpInfo info = kernel.tcpInfo(fd);
    if (info == null) {
      return; // nothing the kernel can tell any more
    }
    TcpState state = TcpState.fromKernel(info.state());
    String closedFirst;
    String stateLeft;
    if (state == TcpState.ESTABLISHED) {
      closedFirst = "local";
      stateLeft = TcpState.TIME_WAIT.name();
    } else if (state == TcpState.CLOSE_WAIT) {
      closedFirst = "peer";
      stateLeft = "CLOSED";
    } else {
      closedFirst = "unknown";
      stateLeft = state == null ? "unknown" : state.name();
    }
    ConnectionSummary summary =
        new ConnectionSummary(
            o.client() ? "client" : "server",
            now - o.establishedNanos(),
            info.bytesAcked(),
            info.bytesReceived(),
            info.totalRetrans(),
            info.rttMicros(),
            closedFirst,
            stateLeft);
    metrics.recordClosed(summary);
    if (spans) {
      span(o, summary, now);
    }
  }

  private void span(Open o, ConnectionSummary s, long endNanos) {
    SpanBuilder b =
        tracer
            .spanBuilder(SPAN_CONNECTION)
            .setSpanKind(o.client() ? SpanKind.CLIENT : SpanKind.SERVER)
            .setParent(Context.root().with(Span.wrap(o.opening())))
            .setStartTimestamp(clock.epochNanos(o.establishedNanos()), TimeUnit.NANOSECONDS)
            .setAttribute(NETWORK_TRANSPORT, "tcp")
            .setAttribute(NETWORK_TYPE, IpAddresses.networkType(o.peer().getAddress()))
            .setAttribute(NETWORK_PEER_ADDRESS, IpAddresses.text(o.peer().getAddress()))
            .setAttribute(NETWORK_PEER_PORT, (long) o.peer().getPort())
            .setAttribute(TCP_BYTES_ACKED, s.bytesAcked())
            .setAttribute(TCP_BYTES_RECEIVED, s.bytesReceived())
            .setAttribute(TCP_TOTAL_RETRANSMITS, s.totalRetransmits())
            .setAttribute(TCP_RTT_US, s.rttMicros())
            .setAttribute(TCP_CLOSED_FIRST, s.closedFirst())
            .setAttribute(TCP_STATE_LEFT, s.stateLeft());
    if (o.local() != null && o.local().getAddress() != null) {
      b.setAttribute(NETWORK_LOCAL_ADDRESS, IpAddresses.text(o.local().getAddress()))
          .setAttribute(NETWORK_LOCAL_PORT, (long) o.local().getPort());
    }
    b.startSpan().end(clock.epochNanos(endNanos), TimeUnit.NANOSECONDS);
  }
}
