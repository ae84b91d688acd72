package io.synscope.agent.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.synscope.agent.kernel.KernelFacts;
import io.synscope.agent.metrics.TcpMetrics;
import io.synscope.agent.testing.CapturedSpans;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.ConnectionPendingException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An asynchronous connect's outcome reaches the tracer on up to three threads, in any order the
 * JDK's threads happen to run: the connect call's return, {@code setConnected} and {@code
 * finishConnect} on the event thread, the completion handler. Each order here, on real connected
 * channels, makes exactly one span, and a success's span always has the local end (read before
 * the application can close the channel).
 */
class AsyncConnectOutcomeTest {
  private static final AttributeKey<String> LOCAL_ADDRESS =
      AttributeKey.stringKey("network.local.address");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  private final List<AsynchronousSocketChannel> channels = new ArrayList<>();
  private CapturedSpans captured;
  private ConnectionTracer tracer;
  private AsynchronousServerSocketChannel server;
  private InetSocketAddress remote;

  @BeforeEach
  void setUp() throws IOException {
    captured = new CapturedSpans("test");
    tracer =
        new ConnectionTracer(
            captured.tracer(),
            new ApplicationContexts(),
            KernelFacts.none(),
            new TcpMetrics(),
            false,
            true,
            true,
            SpanThreshold.EVERY,
            false);
    server =
        AsynchronousServerSocketChannel.open()
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    remote = (InetSocketAddress) server.getLocalAddress();
  }

  @AfterEach
  void tearDown() throws IOException {
    for (AsynchronousSocketChannel c : channels) {
      c.close();
    }
    server.close();
    captured.close();
  }

  @Test
  void connectedAtOnceEndsInSetConnected() throws Exception {
    AsynchronousSocketChannel channel = connected();
    Object token = tracer.asyncConnectStart(channel, remote);
    tracer.asyncConnected(channel, System.nanoTime());
    tracer.asyncConnectReturned(channel, token, done(null), null);

    assertOneSuccess(channel);
  }

  @Test
  void pendingConnectEndsInSetConnected() throws Exception {
    AsynchronousSocketChannel channel = connected();
    Object token = tracer.asyncConnectStart(channel, remote);
    CompletableFuture<Void> future = new CompletableFuture<>();
    tracer.asyncConnectReturned(channel, token, future, null);
    assertThat(captured.spans()).isEmpty();

    tracer.asyncConnected(channel, System.nanoTime());
    future.complete(null);
    tracer.asyncFinishConnect(channel, future, System.nanoTime());

    assertOneSuccess(channel);
  }

  /**
   * The event thread finishes the connect before the connect call's advice has run; the
   * application then closes the channel the moment its future returns. The span was made before.
   */
  @Test
  void eventThreadFinishingBeforeTheCallReturnsStillGivesAWholeSpan() throws Exception {
    AsynchronousSocketChannel channel = connected();
    Object token = tracer.asyncConnectStart(channel, remote);
    tracer.asyncConnected(channel, System.nanoTime());
    CompletableFuture<Void> future = done(null);
    tracer.asyncFinishConnect(channel, future, System.nanoTime());
    tracer.asyncConnectReturned(channel, token, future, null);
    InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
    channel.close();

    assertThat(captured.spans()).hasSize(1);
    assertThat(captured.spans().get(0).getAttributes().get(LOCAL_ADDRESS))
        .isEqualTo(local.getAddress().getHostAddress());
  }

  @Test
  void handlerSuccessEndsOnceInSetConnected() throws Exception {
    AsynchronousSocketChannel channel = connected();
    Object token = tracer.asyncConnectStart(channel, remote);
    tracer.asyncConnectReturned(channel, token, null, null);
    tracer.asyncConnected(channel, System.nanoTime());
    tracer.asyncConnectCompleted(channel, token, null);

    assertOneSuccess(channel);
  }

  @Test
  void handlerFailureEndsOnceThroughTheHandler() throws Exception {
    AsynchronousSocketChannel channel = open();
    Object token = tracer.asyncConnectStart(channel, remote);
    tracer.asyncConnectReturned(channel, token, null, null);
    tracer.asyncFinishConnect(channel, null, System.nanoTime());
    tracer.asyncConnectCompleted(channel, token, new ConnectException("Connection refused"));

    assertOneFailure("connection_refused");
  }

  @Test
  void futureFailureEndsOnceInFinishConnect() throws Exception {
    AsynchronousSocketChannel channel = open();
    Object token = tracer.asyncConnectStart(channel, remote);
    CompletableFuture<Void> future = new CompletableFuture<>();
    tracer.asyncConnectReturned(channel, token, future, null);
    future.completeExceptionally(new ConnectException("Connection refused"));
    tracer.asyncFinishConnect(channel, future, System.nanoTime());

    assertOneFailure("connection_refused");
  }

  @Test
  void immediateFutureFailureEndsOnceWhenTheCallReturns() throws Exception {
    AsynchronousSocketChannel channel = open();
    Object token = tracer.asyncConnectStart(channel, remote);
    CompletableFuture<Void> future = new CompletableFuture<>();
    future.completeExceptionally(new ConnectException("Connection refused"));
    tracer.asyncConnectReturned(channel, token, future, null);
    tracer.asyncFinishConnect(channel, future, System.nanoTime());

    assertOneFailure("connection_refused");
  }

  /** A second connect while one is pending is refused; the pending one still ends as its own. */
  @Test
  void aRefusedSecondConnectLeavesThePendingOneItsSpan() throws Exception {
    AsynchronousSocketChannel channel = connected();
    Object first = tracer.asyncConnectStart(channel, remote);
    tracer.asyncConnectReturned(channel, first, new CompletableFuture<Void>(), null);
    Object second = tracer.asyncConnectStart(channel, remote);
    tracer.asyncConnectReturned(channel, second, null, new ConnectionPendingException());
    assertOneFailure("java.nio.channels.ConnectionPendingException");

    tracer.asyncConnected(channel, System.nanoTime());
    assertThat(captured.spans()).hasSize(2);
    SpanData success = captured.spans().get(1);
    assertThat(success.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(success.getAttributes().get(LOCAL_ADDRESS)).isEqualTo("127.0.0.1");
  }

  private void assertOneSuccess(AsynchronousSocketChannel channel) throws IOException {
    assertThat(captured.spans()).hasSize(1);
    SpanData span = captured.spans().get(0);
    assertThat(span.getName()).isEqualTo("tcp.connect");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.getAttributes().get(LOCAL_ADDRESS))
        .isEqualTo(
            ((InetSocketAddress) channel.getLocalAddress()).getAddress().getHostAddress());
  }

  private void assertOneFailure(String errorType) {
    assertThat(captured.spans()).hasSize(1);
    SpanData span = captured.spans().get(0);
    assertThat(span.getName()).isEqualTo("tcp.connect");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo(errorType);
  }

  private AsynchronousSocketChannel open() throws IOException {
    AsynchronousSocketChannel c = AsynchronousSocketChannel.open();
    channels.add(c);
    return c;
  }

  /** A channel really connected to the test's listener (its local end is real). */
  private AsynchronousSocketChannel connected() throws Exception {
    AsynchronousSocketChannel c = open();
    c.connect(remote).get(10, TimeUnit.SECONDS);
    return c;
  }

  private static CompletableFuture<Void> done(Void result) {
    return CompletableFuture.completedFuture(result);
  }
}
