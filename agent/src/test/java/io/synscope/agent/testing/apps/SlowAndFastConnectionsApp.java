package io.synscope.agent.testing.apps;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A forked test app with connections fast and slow, on one loopback listener: {@code fast}, a
 * connect accepted at once; {@code held}, a connect whose connection then waits in the accept queue
 * for the argument's milliseconds before the accept; {@code refused}, a connect to a port that was
 * listening a moment ago. Each connect and accept is observed (kind {@code connect} or {@code
 * accept}, case its name); then the app closes everything and exits.
 */
public final class SlowAndFastConnectionsApp {
  private SlowAndFastConnectionsApp() {}

  public static void main(String[] args) throws Exception {
    long holdMillis = Long.parseLong(args[0]);
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    List<Socket> open = new ArrayList<>();
    try (ServerSocket server = new ServerSocket(0, 50, loopback)) {
      InetSocketAddress remote = new InetSocketAddress(loopback, server.getLocalPort());
      for (String name : List.of("fast", "held")) {
        Socket client = new Socket();
        open.add(client);
        Observation connect = Observation.begin("connect", name);
        client.connect(remote, 5000);
        connect
            .end()
            .remote(remote)
            .endpoints(client.getLocalSocketAddress(), client.getRemoteSocketAddress())
            .print();
        if (name.equals("held")) {
          Thread.sleep(holdMillis); // the wait in the accept queue is what this case is about
        }
        Observation accept = Observation.begin("accept", name);
        Socket accepted = server.accept();
        open.add(accepted);
        accept
            .end()
            .endpoints(accepted.getLocalSocketAddress(), accepted.getRemoteSocketAddress())
            .print();
      }
      ConnectCases.refused(
          r -> {
            Socket s = new Socket(r.getAddress(), r.getPort());
            return new ConnectCases.Connection(
                s.getLocalSocketAddress(), s.getRemoteSocketAddress(), s);
          });
    } finally {
      for (Socket s : open) {
        s.close();
      }
    }
  }
}
