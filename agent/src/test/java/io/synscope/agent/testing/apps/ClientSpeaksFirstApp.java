package io.synscope.agent.testing.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A connection that waits in the accept queue while its client speaks and closes: the client
 * connects (observed, kind {@code connect}, case {@code early}), lets the argument's milliseconds
 * pass, writes three bytes, shuts its output down (a FIN) and prints {@code SENT}; on the input
 * line {@code ACCEPT} the server accepts it (observed, kind {@code accept}) and prints {@code
 * ACCEPTED}. End of input ends the app.
 *
 * <p>Arguments: the client's pause in milliseconds.
 */
public final class ClientSpeaksFirstApp {
  private ClientSpeaksFirstApp() {}

  public static void main(String[] args) throws Exception {
    long pauseMillis = Long.parseLong(args[0]);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (ServerSocket server = new ServerSocket(0, 50, loopback);
        Socket client = new Socket()) {
      InetSocketAddress remote = new InetSocketAddress(loopback, server.getLocalPort());
      Observation connect = Observation.begin("connect", "early");
      client.connect(remote);
      connect
          .end()
          .remote(remote)
          .endpoints(client.getLocalSocketAddress(), client.getRemoteSocketAddress())
          .print();
      // What is observed: a client that speaks a while after its handshake, not a wait for it.
      Thread.sleep(pauseMillis);
      client.getOutputStream().write(new byte[] {'h', 'i', '\n'});
      client.shutdownOutput();
      System.out.println("SENT");
      String line;
      while ((line = in.readLine()) != null && !line.equals("ACCEPT")) {
        // wait for the test's word
      }
      Observation accept = Observation.begin("accept", "early");
      try (Socket accepted = server.accept()) {
        accept.end().endpoints(accepted.getLocalSocketAddress(), accepted.getRemoteSocketAddress());
        accept.print();
        System.out.println("ACCEPTED");
        while (in.readLine() != null) {
          // until the test closes standard input
        }
      }
    }
  }
}
