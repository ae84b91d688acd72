package io.synscope.agent.testing.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import jdk.net.ExtendedSocketOptions;

/**
 * A forked test app whose clients wait for the server to speak first. {@code CONNECT} makes three
 * connections to {@code host port}, one after the other: {@code a}, then {@code late-ack}, whose
 * final ACK of the handshake the kernel delays (TCP_QUICKACK off puts the connecting socket in
 * pingpong mode, and tcp_rcv_synsent_state_process then sends that ACK up to TCP_DELACK_MAX, 200
 * ms, later), then {@code b}; each is observed (kind {@code connect}). Each connection then waits
 * for one byte from the server and prints {@code GREETED <case> at=<epochNanos>} when it comes.
 * {@code SPEAK <case>} writes one byte on that connection. End of input closes all and exits.
 *
 * <p>Arguments: host port.
 */
public final class SilentClientApp {
  private static final Map<String, Socket> SOCKETS = new LinkedHashMap<>();

  private SilentClientApp() {}

  public static void main(String[] args) throws IOException {
    InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.equals("CONNECT")) {
        connect(target, "a", true);
        connect(target, "late-ack", false);
        connect(target, "b", true);
      } else if (line.startsWith("SPEAK ")) {
        String caseName = line.substring(6).trim();
        OutputStream out = SOCKETS.get(caseName).getOutputStream();
        out.write('c');
        out.flush();
        System.out.println("SPOKE " + caseName + " at=" + epochNanosNow());
      }
    }
    for (Socket s : SOCKETS.values()) {
      s.close();
    }
  }

  private static void connect(InetSocketAddress target, String caseName, boolean quickAck)
      throws IOException {
    Socket s = new Socket();
    if (!quickAck) {
      s.setOption(ExtendedSocketOptions.TCP_QUICKACK, false);
    }
    Observation o = Observation.begin("connect", caseName);
    s.connect(target, 5_000);
    o.end().endpoints(s.getLocalSocketAddress(), s.getRemoteSocketAddress()).print();
    SOCKETS.put(caseName, s);
    Thread reader =
        new Thread(
            () -> {
              try {
                if (s.getInputStream().read() >= 0) {
                  System.out.println("GREETED " + caseName + " at=" + epochNanosNow());
                }
              } catch (IOException e) {
                // closed at exit
              }
            },
            "reader-" + caseName);
    reader.setDaemon(true);
    reader.start();
  }

  private static long epochNanosNow() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
