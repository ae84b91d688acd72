package io.synscope.agent.testing.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * Makes one Socket connect and accept over IPv4 loopback for each line {@code CONNECT <case>}
 * read from stdin, then prints {@code DONE <case>}; exits at end of input. Prints {@code READY
 * pid=<pid>} first.
 */
public final class ConnectOnCommandApp {
  private ConnectOnCommandApp() {}

  public static void main(String[] args) throws Exception {
    System.out.println("READY pid=" + ProcessHandle.current().pid());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith("CONNECT ")) {
        String caseName = line.substring("CONNECT ".length());
        ConnectCases.succeed(
            caseName,
            InetAddress.getByName("127.0.0.1"),
            SocketApp::connect,
            SocketApp::listen,
            Executors.defaultThreadFactory());
        System.out.println("DONE " + caseName);
      }
    }
  }
}
