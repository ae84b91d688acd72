package io.synscope.agent.testing.apps;

import java.io.IOException;
import java.net.Socket;
import java.nio.channels.SocketChannel;

/**
 * A Java agent that loads the JDK's socket classes in its premain, as an agent started before
 * synscope's (or the JVM's own management agent) can: synscope then finds them loaded without its
 * advice.
 */
public final class SocketLoadingAgent {
  private SocketLoadingAgent() {}

  public static void premain(String args) throws IOException {
    new Socket().close();
    SocketChannel.open().close();
  }
}
