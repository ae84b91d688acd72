package io.synscope.agent.testing.apps;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A connection over a Unix-domain socket (blocking and non-blocking), then one over TCP as a
 * marker: the agent must leave the first alone. Prints the TCP client's port, then waits for the
 * end of stdin.
 */
public final class UnixDomainApp {
  private UnixDomainApp() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("synscope-uds");
    Path path = dir.resolve("s.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
      try (SocketChannel blocking = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        blocking.connect(UnixDomainSocketAddress.of(path));
        server.accept().close();
      }
      try (SocketChannel nonBlocking = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        nonBlocking.configureBlocking(false);
        if (!nonBlocking.connect(UnixDomainSocketAddress.of(path))) {
          while (!nonBlocking.finishConnect()) {
            Thread.onSpinWait();
          }
        }
        server.accept().close();
      }
    } finally {
      Files.deleteIfExists(path);
      Files.delete(dir);
    }
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Socket client = new Socket(listener.getInetAddress(), listener.getLocalPort());
        Socket accepted = listener.accept()) {
      System.out.println("TCP " + client.getLocalPort());
    }
    System.out.println("CASES DONE");
    System.in.transferTo(OutputStream.nullOutputStream());
  }
}
