package io.synscope.agent.testing.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A forked test app with one listener on 127.0.0.1 (backlog: the first argument) that holds its
 * accept queue until told: {@code ACCEPT <n>} accepts n connections on another thread, observing
 * each accept (kind {@code accept}, case its index) and writing one byte to each, as a server that
 * speaks first does; then it prints {@code ACCEPTED <n>}. Prints {@code READY port=<port>} once
 * listening; end of input closes everything and exits.
 */
public final class HeldAcceptServerApp {
  /** The byte the server greets each accepted connection with. */
  public static final int GREETING = 'h';

  private static final List<Socket> ACCEPTED = new ArrayList<>();

  private HeldAcceptServerApp() {}

  public static void main(String[] args) throws IOException {
    int backlog = Integer.parseInt(args[0]);
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), backlog);
    System.out.println("READY port=" + server.getLocalPort());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith("ACCEPT ")) {
        int count = Integer.parseInt(line.substring(7).trim());
        Thread acceptor = new Thread(() -> accept(server, count), "acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
      }
    }
    server.close();
    synchronized (ACCEPTED) {
      for (Socket s : ACCEPTED) {
        s.close();
      }
    }
  }

  private static void accept(ServerSocket server, int count) {
    try {
      for (int i = 0; i < count; i++) {
        Observation o = Observation.begin("accept", Integer.toString(i));
        Socket s = server.accept();
        o.end().endpoints(s.getLocalSocketAddress(), s.getRemoteSocketAddress()).print();
        synchronized (ACCEPTED) {
          ACCEPTED.add(s);
        }
        s.getOutputStream().write(GREETING);
      }
      System.out.println("ACCEPTED " + count);
    } catch (IOException e) {
      System.out.println("ACCEPT-FAILED " + e);
    }
  }
}
