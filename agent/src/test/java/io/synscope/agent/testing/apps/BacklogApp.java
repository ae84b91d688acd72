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
 * A forked test app with one listener on 127.0.0.1 whose backlog is the first argument, and that
 * does not accept until told: {@code ACCEPT} starts accepting (and keeps the accepted sockets
 * open), {@code COUNT} prints {@code ACCEPTED <n>}. End of input closes everything and exits.
 * Prints {@code READY port=<port>} once listening.
 */
public final class BacklogApp {
  private static final List<Socket> ACCEPTED = new ArrayList<>();

  private BacklogApp() {}

  public static void main(String[] args) throws IOException {
    int backlog = Integer.parseInt(args[0]);
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog);
    System.out.println("READY port=" + server.getLocalPort());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.equals("ACCEPT")) {
        Thread acceptor = new Thread(() -> acceptForever(server), "acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        System.out.println("ACCEPTING");
      } else if (line.equals("COUNT")) {
        synchronized (ACCEPTED) {
          System.out.println("ACCEPTED " + ACCEPTED.size());
        }
      }
    }
    server.close();
    synchronized (ACCEPTED) {
      for (Socket s : ACCEPTED) {
        s.close();
      }
    }
  }

  private static void acceptForever(ServerSocket server) {
    try {
      while (true) {
        Socket s = server.accept();
        synchronized (ACCEPTED) {
          ACCEPTED.add(s);
        }
      }
    } catch (IOException e) {
      // closed at exit
    }
  }
}
