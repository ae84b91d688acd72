package io.synscope.agent.it;

import static io.synscope.agent.it.SpanChecks.assertFailedLike;
import static io.synscope.agent.it.SpanChecks.assertInside;
import static io.synscope.agent.it.SpanChecks.attributeIs;
import static io.synscope.agent.it.SpanChecks.single;
import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedSpan;
import io.synscope.agent.testing.apps.ConnectTimeoutApp;
import io.synscope.probe.proc.SynRetransmitSchedule;
import io.synscope.probe.proc.TcpSysctls;
import io.synscope.probe.testing.NetworkNamespace;
import io.synscope.probe.testing.Ss;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Connects that time out because their SYNs are dropped: in a network namespace of the test's
 * own, an nftables rule drops SYNs to one port; the app runs inside the namespace, and so does
 * the OTLP receiver (started from a thread that entered it).
 */
class ConnectTimeoutIT {
  private static final int DROPPED_PORT = 4321;

  @Test
  void timedOutConnectsAreErrorsThatLastAtLeastTheTimeout() {
    NetworkNamespace.assumeSupported();
    try (NetworkNamespace ns = NetworkNamespace.create("synscope-e2e")) {
      ns.dropSynsTo(DROPPED_PORT);
      // one SYN retransmit, so a connect without a timeout gives up within seconds
      Ss.run(
          List.of(
              "ip", "netns", "exec", ns.name(), "sysctl", "-q", "-w",
              "net.ipv4.tcp_syn_retries=1"));
      // The kernel's schedule for those SYNs, from the namespace's own settings.
      int linear =
          Integer.parseInt(
              Ss.run(
                      List.of(
                          "ip", "netns", "exec", ns.name(), "sysctl", "-n",
                          "net.ipv4.tcp_syn_linear_timeouts"))
                  .trim());
      SynRetransmitSchedule schedule =
          SynRetransmitSchedule.compute(
              1, linear, TcpSysctls.INITIAL_RTO_MILLIS, TcpSysctls.DEFAULT_RTO_MAX_MILLIS);
      try (OtlpReceiver receiver = ns.call(OtlpReceiver::start);
          ForkedJvm app =
              ForkedJvm.builder(ConnectTimeoutApp.class)
                  .commandPrefix("ip", "netns", "exec", ns.name())
                  .withAgent()
                  .systemProperty("otel.exporter.otlp.endpoint", receiver.endpoint())
                  .args(Integer.toString(DROPPED_PORT))
                  .timeout(Duration.ofSeconds(90))
                  .start()) {
        app.awaitSuccess();

        List<AppObservation> seen = AppObservation.all(app);
        List<ReceivedSpan> spans = receiver.awaitSpans(SpanChecks::ofConnections, 2, Duration.ofSeconds(10));
        assertThat(spans).hasSize(2);

        AppObservation timed = AppObservation.find(seen, "connect", "socket-timeout");
        assertThat(timed.get("error")).isEqualTo("java.net.SocketTimeoutException");
        ReceivedSpan socket = single(spans, attributeIs("tcp.api", "socket"), "Socket connect");
        assertThat(socket.attributes()).isEqualTo(timedOut("socket", schedule, socket));
        assertFailedLike(socket, timed);
        assertInside(socket, timed);
        assertThat(socket.durationNanos())
            .isGreaterThanOrEqualTo(
                TimeUnit.MILLISECONDS.toNanos(ConnectTimeoutApp.TIMEOUT_MILLIS));

        AppObservation retried = AppObservation.find(seen, "connect", "channel-timeout");
        assertThat(retried.get("error")).isEqualTo("java.net.ConnectException");
        assertThat(retried.get("message")).isEqualTo("Connection timed out");
        ReceivedSpan channel =
            single(spans, attributeIs("tcp.api", "socket_channel"), "SocketChannel connect");
        // A blocking connect that the kernel gives up ends in tcp_disconnect(), which clears the
        // socket's counters and leaves it CLOSE: the count is then the kernel's whole schedule.
        Map<String, Object> expectedChannel = timedOut("socket_channel", schedule, channel);
        expectedChannel.put("tcp.state", "CLOSE");
        expectedChannel.put("tcp.syn_retransmits", (long) schedule.retransmits());
        assertThat(channel.attributes()).isEqualTo(expectedChannel);
        // without a timeout of its own, the connect lasts until the kernel gives up
        assertThat(channel.durationNanos())
            .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(schedule.giveUpMillis()));
        assertFailedLike(channel, retried);
        assertInside(channel, retried);
        // the kernel gives up no sooner than the first SYN's retransmission timeout, 1 s
        assertThat(channel.durationNanos()).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
      }
    }
  }

  /**
   * The attributes of a connect whose SYNs went unanswered: the kernel's last word before the JDK
   * closed the socket says SYN_SENT, with as many SYNs sent again as the kernel's schedule had
   * due within the span.
   */
  private static Map<String, Object> timedOut(
      String api, SynRetransmitSchedule schedule, ReceivedSpan span) {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("network.transport", "tcp");
    expected.put("tcp.api", api);
    expected.put("server.address", "127.0.0.1");
    expected.put("server.port", (long) DROPPED_PORT);
    expected.put("network.type", "ipv4");
    expected.put("network.peer.address", "127.0.0.1");
    expected.put("network.peer.port", (long) DROPPED_PORT);
    expected.put("error.type", "timed_out");
    long millis = TimeUnit.NANOSECONDS.toMillis(span.durationNanos());
    expected.put(
        "tcp.syn_retransmits",
        schedule.retransmitMillis().stream().filter(t -> t < millis).count());
    expected.put("tcp.state", "SYN_SENT");
    return expected;
  }
}
