package io.synscope.agent.testing.apps;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;

/**
 * Connects to a port whose SYNs are dropped (args: the port): {@code Socket.connect} with a
 * timeout of {@value #TIMEOUT_MILLIS} ms (case {@code socket-timeout}), then a blocking {@code
 * SocketChannel.connect} without a timeout, which ends when the kernel gives up retransmitting
 * the SYN (case {@code channel-timeout}).
 */
public final class ConnectTimeoutApp {
  public static final int TIMEOUT_MILLIS = 2_500;

  private ConnectTimeoutApp() {}

  public static void main(String[] args) throws Exception {
    InetSocketAddress remote =
        new InetSocketAddress(InetAddress.getByName("127.0.0.1"), Integer.parseInt(args[0]));

    Observation o = Observation.begin("connect", "socket-timeout");
    try (Socket s = new Socket()) {
      s.connect(remote, TIMEOUT_MILLIS);
      o.end().remote(remote).put("unexpected", "connected").print();
    } catch (Exception e) {
      o.end().remote(remote).failure(e).print();
    }

    o = Observation.begin("connect", "channel-timeout");
    try (SocketChannel c = SocketChannel.open()) {
      c.connect(remote);
      o.end().remote(remote).put("unexpected", "connected").print();
    } catch (Exception e) {
      o.end().remote(remote).failure(e).print();
    }
  }
}
