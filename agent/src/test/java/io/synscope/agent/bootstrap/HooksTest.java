package io.synscope.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.FileDescriptor;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * While the agent starts beside the application, the application's connects and accepts wait for
 * the receiver of their events (so that none goes untraced), with an accept's end read before the
 * wait; closes and the agent's own threads never wait, and installing nothing lets everyone go.
 */
class HooksTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Well under the 5 s a thread waits for the agent at most: a call back by then did not wait. */
  private static final Duration NO_WAIT = Duration.ofSeconds(2);

  @AfterEach
  void removeTheReceiver() {
    Hooks.install(null);
  }

  @Test
  void aConnectMadeWhileTheAgentStartsWaitsAndThenReachesTheReceiver() throws Exception {
    Hooks.holdUntilInstalled();
    Thread application = start(Hooks::connectStarting);
    awaitWaiting(application);

    Recorder receiver = new Recorder();
    Hooks.install(receiver);
    application.join(TIMEOUT.toMillis());

    assertThat(application.isAlive()).isFalse();
    assertThat(receiver.events).containsExactly("connectStarting");
  }

  @Test
  void anAcceptsEndIsReadBeforeItWaitsForTheAgent() throws Exception {
    Hooks.holdUntilInstalled();
    long before = System.nanoTime();
    Thread application = start(() -> Hooks.serverSocketAccept(null, null, before, null));
    awaitWaiting(application);

    long installed = System.nanoTime();
    Recorder receiver = new Recorder();
    Hooks.install(receiver);
    application.join(TIMEOUT.toMillis());

    assertThat(receiver.events).containsExactly("serverSocketAccept");
    assertThat(receiver.endNanos).isBetween(before, installed);
  }

  @Test
  void closesDoNotWait() throws Exception {
    Hooks.holdUntilInstalled();
    Thread application =
        start(
            () -> {
              Hooks.implClosing(new Object());
              Hooks.channelClosing(new Object(), 3);
            });

    application.join(NO_WAIT.toMillis());

    assertThat(application.isAlive()).as("a close waiting for the agent").isFalse();
  }

  @Test
  void theAgentsOwnThreadsDoNotWait() throws Exception {
    Hooks.holdUntilInstalled();
    Thread agent = new AgentThread(Hooks::connectStarting, "agent");
    agent.start();

    agent.join(NO_WAIT.toMillis());

    assertThat(agent.isAlive()).as("an agent thread waiting for the agent").isFalse();
  }

  @Test
  void anAgentThatDoesNotStartLetsWaitingThreadsGo() throws Exception {
    Hooks.holdUntilInstalled();
    Thread application = start(Hooks::connectStarting);
    awaitWaiting(application);

    Hooks.install(null);
    application.join(TIMEOUT.toMillis());

    assertThat(application.isAlive()).isFalse();
  }

  private static Thread start(Runnable hookCall) {
    Thread t = new Thread(hookCall, "application");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void awaitWaiting(Thread t) {
    await("the application thread waiting for the agent")
        .atMost(TIMEOUT)
        .pollInterval(1, TimeUnit.MILLISECONDS)
        .until(() -> t.getState() == Thread.State.TIMED_WAITING);
  }

  /** Records the events it receives. */
  private static final class Recorder implements SocketEvents {
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile long endNanos;

    @Override
    public void socketConnect(
        Socket socket, SocketAddress remote, long startNanos, Throwable thrown) {
      events.add("socketConnect");
    }

    @Override
    public void channelConnect(
        SocketChannel channel,
        SocketAddress remote,
        int fd,
        long startNanos,
        boolean connected,
        Throwable thrown) {
      events.add("channelConnect");
    }

    @Override
    public void channelFinishConnect(
        SocketChannel channel, int fd, boolean connected, Throwable thrown) {
      events.add("channelFinishConnect");
    }

    @Override
    public void serverSocketAccept(
        ServerSocket server, Socket accepted, long startNanos, long endNanos, Throwable thrown) {
      this.endNanos = endNanos;
      events.add("serverSocketAccept");
    }

    @Override
    public void channelAccept(
        ServerSocketChannel server,
        SocketChannel accepted,
        long startNanos,
        long endNanos,
        Throwable thrown) {
      this.endNanos = endNanos;
      events.add("channelAccept");
    }

    @Override
    public Object asyncConnectStart(AsynchronousSocketChannel channel, SocketAddress remote) {
      events.add("asyncConnectStart");
      return null;
    }

    @Override
    public void asyncConnectReturned(
        AsynchronousSocketChannel channel, Object token, Object future, Throwable thrown) {
      events.add("asyncConnectReturned");
    }

    @Override
    public void asyncConnectCompleted(
        AsynchronousSocketChannel channel, Object token, Throwable thrown) {
      events.add("asyncConnectCompleted");
    }

    @Override
    public void asyncConnected(AsynchronousSocketChannel channel, long endNanos) {
      events.add("asyncConnected");
    }

    @Override
    public void asyncFinishConnect(
        AsynchronousSocketChannel channel, Object future, long endNanos) {
      events.add("asyncFinishConnect");
    }

    @Override
    public void asyncAcceptStart(AsynchronousServerSocketChannel server, long startNanos) {
      events.add("asyncAcceptStart");
    }

    @Override
    public void asyncAccepted(
        AsynchronousServerSocketChannel server,
        AsynchronousSocketChannel accepted,
        Throwable thrown) {
      events.add("asyncAccepted");
    }

    @Override
    public void connectStarting() {
      events.add("connectStarting");
    }

    @Override
    public void localAddressRead(FileDescriptor fd, InetSocketAddress address) {
      events.add("localAddressRead");
    }

    @Override
    public void implClosing(Object socketImpl) {
      events.add("implClosing");
    }

    @Override
    public void channelClosing(Object channel, int fd) {
      events.add("channelClosing");
    }
  }
}
