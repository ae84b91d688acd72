package io.synscope.agent.testing.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A forked test app that connects to itself on loopback when told to. It listens on an ephemeral
 * loopback port and prints {@code READY port=<port>}; each stdin line {@code CONNECT <n>} makes n
 * connections to that port, one after the other, accepting and closing each, and then prints
 * {@code CONNECTED <n>}. End of input exits with 0.
 */
public final class LoopbackConnectApp {
  private LoopbackConnectApp() {}

  public static void main(String[] args) throws IOException {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      System.out.println("READY port=" + listener.getLocalPort());
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("CONNECT ")) {
          int n = Integer.parseInt(line.substring(8).trim());
          for (int i = 0; i < n; i++) {
            try (Socket client = new Socket()) {
              client.connect(
                  new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort()), 5000);
              listener.accept().close();
            }
          }
          System.out.println("CONNECTED " + n);
        }
      }
    }
  }
}
