package io.synscope.agent.testing.apps;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * One short conversation over loopback with java.net sockets: the client sends {@value
 * #REQUEST_BYTES} bytes, the server answers {@value #RESPONSE_BYTES}, the client closes first, the
 * server reads the end of stream and closes. Prints an observation for the connect, the accept and
 * each side's close, then waits for the end of stdin.
 */
public final class ConversationApp {
  public static final int REQUEST_BYTES = 1000;
  public static final int RESPONSE_BYTES = 3000;

  private ConversationApp() {}

  public static void main(String[] args) throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      InetSocketAddress remote = new InetSocketAddress("127.0.0.1", listener.getLocalPort());
      Socket client = new Socket();
      Observation connect = Observation.begin("connect", "conversation");
      client.connect(remote);
      connect.end().remote(remote).endpoints(client.getLocalSocketAddress(),
          client.getRemoteSocketAddress()).print();
      Observation accept = Observation.begin("accept", "conversation");
      Socket server = listener.accept();
      accept.end().endpoints(server.getLocalSocketAddress(), server.getRemoteSocketAddress())
          .print();

      client.getOutputStream().write(new byte[REQUEST_BYTES]);
      server.getInputStream().readNBytes(REQUEST_BYTES);
      server.getOutputStream().write(new byte[RESPONSE_BYTES]);
      client.getInputStream().readNBytes(RESPONSE_BYTES);

      Observation clientClose = Observation.begin("close", "client");
      client.close();
      clientClose.end().print();
      InputStream in = server.getInputStream();
      if (in.read() != -1) {
        throw new IllegalStateException("the client sent more than it should have");
      }
      Observation serverClose = Observation.begin("close", "server");
      server.close();
      serverClose.end().print();
    }
    System.out.println("CASES DONE");
    System.in.transferTo(OutputStream.nullOutputStream());
  }
}
