package io.synscope.agent.testing.apps;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Makes as many Socket connect and accept pairs over IPv4 loopback as its argument says, one
 * after the other, closing each connection server side first (so the client's ports do not pile
 * up in TIME_WAIT); prints {@code DONE <count>}.
 */
public final class ConnectChurnApp {
  private ConnectChurnApp() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[0]);
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (ServerSocket server = new ServerSocket(0, 50, loopback)) {
      InetSocketAddress remote = new InetSocketAddress(loopback, server.getLocalPort());
      for (int i = 0; i < count; i++) {
        try (Socket client = new Socket()) {
          client.connect(remote);
          server.accept().close();
        }
      }
    }
    System.out.println("DONE " + count);
  }
}
