package io.synscope.agent.it;

import static io.synscope.agent.it.SpanChecks.ACCEPT;
import static io.synscope.agent.it.SpanChecks.CONNECT;
import static io.synscope.agent.it.SpanChecks.attributeIs;
import static io.synscope.agent.it.SpanChecks.named;
import static io.synscope.agent.it.SpanChecks.single;
import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedSpan;
import io.synscope.agent.testing.apps.AsyncCloseAtOnceApp;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An application that closes an asynchronous channel the moment its connect or accept future
 * returns: the JDK completes the future on the channel group's thread, so the application's close
 * can come before that thread is done with the channel. The agent ends a successful connect's span
 * before the future is completed (and an accept's before its future too), so every span is whole,
 * and the agent goes on tracing every later connection (a closed channel once switched all connect
 * spans off, with a warning, in one run of {@code ConnectApisIT}).
 */
class AsyncCloseAtOnceIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int PAIRS = 300;

  @Test
  void channelsClosedAtOnceLeaveTracingOn() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm app =
            ForkedJvm.builder(AsyncCloseAtOnceApp.class)
                .withAgent()
                .systemProperty("otel.exporter.otlp.endpoint", receiver.endpoint())
                .args(Integer.toString(PAIRS))
                .timeout(TIMEOUT)
                .start()) {
      long lastPort =
          Long.parseLong(app.awaitOutputLine(l -> l.startsWith("LAST "), TIMEOUT).substring(5));
      receiver.awaitSpans(
          s -> s.name().equals(CONNECT) && attributeIs("network.local.port", lastPort).test(s),
          1,
          Duration.ofSeconds(20));
      receiver.awaitSpans(
          s -> s.name().equals(ACCEPT) && attributeIs("network.peer.port", lastPort).test(s),
          1,
          Duration.ofSeconds(20));
      List<ReceivedSpan> spans = SpanChecks.connectionsOnly(receiver.spans());
      app.closeStdin();
      app.awaitSuccess();

      assertThat(app.stderr()).doesNotContain("[synscope] WARN");
      // Every connect and accept made its span, with its local end and the kernel's view, closed
      // at once or not. A connect's socket was established when its span ended; an accepted one
      // may already have had the client's FIN (the client closes as soon as it is connected).
      assertThat(named(spans, CONNECT)).hasSize(PAIRS + 1);
      assertThat(named(spans, ACCEPT)).hasSize(PAIRS + 1);
      // Only the spans that fall short are listed when this fails (300 whole ones hide them).
      assertThat(named(spans, CONNECT))
          .filteredOn(
              s ->
                  !"127.0.0.1".equals(s.attribute("network.local.address"))
                      || !"ESTABLISHED".equals(s.attribute("tcp.state")))
          .isEmpty();
      assertThat(named(spans, ACCEPT))
          .filteredOn(
              s ->
                  !"127.0.0.1".equals(s.attribute("network.local.address"))
                      || !List.of("ESTABLISHED", "CLOSE_WAIT").contains(s.attribute("tcp.state")))
          .isEmpty();
      ReceivedSpan last =
          single(named(spans, CONNECT), attributeIs("network.local.port", lastPort), "last connect");
      assertThat(last.attributes())
          .containsEntry("tcp.api", "async_socket_channel")
          .containsEntry("tcp.state", "ESTABLISHED")
          .containsEntry("network.local.address", "127.0.0.1");
      ReceivedSpan lastAccept =
          single(named(spans, ACCEPT), attributeIs("network.peer.port", lastPort), "last accept");
      assertThat(lastAccept.attributes())
          .containsEntry("tcp.api", "async_server_socket_channel")
          .containsEntry("tcp.state", "ESTABLISHED");
    }
  }
}
