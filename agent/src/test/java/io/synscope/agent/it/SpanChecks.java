package io.synscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.agent.testing.ReceivedSpan;
import io.synscope.agent.testing.ReceivedSpanEvent;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Assertions that hold a span against what the app observed around the same call. */
final class SpanChecks {
  /**
   * How far a span's wall-clock ends may lie outside the app's: the agent turns monotonic
   * readings into wall-clock time from one anchor, the app reads the wall clock itself.
   */
  static final long CLOCK_TOLERANCE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  static final String CONNECT = "tcp.connect";
  static final String ACCEPT = "tcp.accept";

  private SpanChecks() {}

  /**
   * The span lasted no longer than the app measured around the call, and lies inside the app's
   * wall-clock window.
   */
  static void assertInside(ReceivedSpan span, AppObservation seen) {
    assertThat(span.durationNanos())
        .as("duration of %s vs the app's %s", span, seen)
        .isPositive()
        .isLessThanOrEqualTo(seen.nanos());
    assertThat(span.startEpochNanos())
        .as("start of %s vs the app's %s", span, seen)
        .isGreaterThanOrEqualTo(seen.before() - CLOCK_TOLERANCE_NANOS);
    assertThat(span.endEpochNanos())
        .as("end of %s vs the app's %s", span, seen)
        .isLessThanOrEqualTo(seen.after() + CLOCK_TOLERANCE_NANOS);
  }

  /**
   * The kernel keeps tcp_info's last_data_sent in jiffies (4 ms at HZ=250; 10 ms at the slowest
   * HZ), so an accept span's start, the handshake's completion, is known to within one jiffy.
   */
  static final long JIFFY_TOLERANCE_NANOS = 10_000_000L;

  /**
   * An accept span covers the connection's time in the accept queue: it starts when the
   * handshake completed, which was during the client's connect, and it ends inside the server's
   * accept call.
   */
  static void assertQueuedDuring(ReceivedSpan accept, AppObservation server, AppObservation client) {
    assertThat(accept.endEpochNanos())
        .as("end of %s vs the app's accept %s", accept, server)
        .isGreaterThanOrEqualTo(server.before() - CLOCK_TOLERANCE_NANOS)
        .isLessThanOrEqualTo(server.after() + CLOCK_TOLERANCE_NANOS);
    assertThat(accept.startEpochNanos())
        .as("start of %s vs the app's connect %s", accept, client)
        .isGreaterThanOrEqualTo(client.before() - JIFFY_TOLERANCE_NANOS)
        .isLessThanOrEqualTo(client.after() + JIFFY_TOLERANCE_NANOS);
  }

  /**
   * Spans about the app's own connections. The listener poller also reports the network
   * namespace's overflow counters, which other processes on the machine can move at any time:
   * tests that count spans count these.
   */
  static boolean ofConnections(ReceivedSpan span) {
    return !span.name().equals("tcp.listen.overflow");
  }

  /** The spans of {@link #ofConnections}. */
  static List<ReceivedSpan> connectionsOnly(List<ReceivedSpan> spans) {
    return spans.stream().filter(SpanChecks::ofConnections).toList();
  }

  /**
   * The attributes of a successful {@code java.net.Socket} connect to 127.0.0.1: what the app saw,
   * and the kernel's figures.
   */
  static Map<String, Object> ipv4SocketConnect(
      long port, long localPort, long synRetransmits, Object rttUs) {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("network.transport", "tcp");
    expected.put("tcp.api", "socket");
    expected.put("server.address", "127.0.0.1");
    expected.put("server.port", port);
    expected.put("network.type", "ipv4");
    expected.put("network.peer.address", "127.0.0.1");
    expected.put("network.peer.port", port);
    expected.put("network.local.address", "127.0.0.1");
    expected.put("network.local.port", localPort);
    expected.put("tcp.syn_retransmits", synRetransmits);
    expected.put("tcp.state", "ESTABLISHED");
    expected.put("tcp.rtt_us", rttUs);
    return expected;
  }

  /** The one span that matches. */
  static ReceivedSpan single(List<ReceivedSpan> spans, Predicate<ReceivedSpan> which, String what) {
    List<ReceivedSpan> matching = spans.stream().filter(which).toList();
    assertThat(matching).as("%s among %s", what, spans).hasSize(1);
    return matching.get(0);
  }

  static List<ReceivedSpan> named(List<ReceivedSpan> spans, String name) {
    return spans.stream().filter(s -> s.name().equals(name)).toList();
  }

  static Predicate<ReceivedSpan> attributeIs(String key, Object value) {
    return s -> value.equals(s.attribute(key));
  }

  /** Address text as the app printed it and as the span has it name the same address. */
  static void assertSameAddress(Object spanText, String appText) {
    try {
      assertThat(InetAddress.getByName((String) spanText))
          .as("span address %s vs the app's %s", spanText, appText)
          .isEqualTo(InetAddress.getByName(appText));
    } catch (UnknownHostException e) {
      throw new AssertionError("not an address literal: " + spanText + " / " + appText, e);
    }
  }

  /** The failed span's status and exception event are the exception the app got. */
  static void assertFailedLike(ReceivedSpan span, AppObservation seen) {
    assertThat(span.statusCode()).as("%s", span).isEqualTo(ReceivedSpan.StatusCode.ERROR);
    String message = seen.has("message") ? seen.get("message") : null;
    assertThat(span.statusMessage()).as("%s", span).isEqualTo(message == null ? "" : message);
    assertThat(span.events()).as("%s", span).hasSize(1);
    ReceivedSpanEvent event = span.events().get(0);
    assertThat(event.name()).isEqualTo("exception");
    assertThat(event.attributes().get("exception.type")).isEqualTo(seen.get("error"));
    assertThat(event.attributes().get("exception.message")).isEqualTo(message);
  }
}
