package io.synscope.probe.proc;

import io.synscope.probe.TcpState;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reference view: runs {@code ss -tanieH} and parses each socket's first line, the columns
 * State, Recv-Q, Send-Q, Local:Port, Peer:Port, then the {@code uid:} and {@code ino:} details.
 * ss prints {@code uid:} only for a non-zero uid.
 */
final class ProcSsView {
  private ProcSsView() {}

  /** One socket as ss prints it. Addresses are literal strings as ss prints them. */
  record Row(
      TcpState state,
      long recvQ,
      long sendQ,
      String localAddress,
      int localPort,
      String remoteAddress,
      int remotePort,
      long uid,
      long inode) {

    /** True when either side uses the port. */
    boolean hasPort(int port) {
      return localPort == port || remotePort == port;
    }
  }

  /** True when the ss command can be run here. */
  static boolean available() {
    try {
      run();
      return true;
    } catch (IOException | IllegalStateException e) {
      return false;
    }
  }

  /** Every TCP socket of this network namespace. */
  static List<Row> snapshot() throws IOException {
    List<Row> rows = new ArrayList<>();
    for (String line : run().split("\n")) {
      if (line.isEmpty() || Character.isWhitespace(line.charAt(0))) {
        continue; // -i puts tcp_info on a continuation line
      }
      rows.add(parse(line));
    }
    return rows;
  }

  static Row parse(String line) {
    String[] f = line.trim().split("\\s+");
    long uid = 0;
    long inode = -1;
    for (int i = 5; i < f.length; i++) {
      if (f[i].startsWith("uid:")) {
        uid = Long.parseLong(f[i].substring(4));
      } else if (f[i].startsWith("ino:")) {
        inode = Long.parseLong(f[i].substring(4));
      }
    }
    if (inode < 0) {
      throw new IllegalStateException("no ino: in ss line '" + line + "'");
    }
    int lc = f[3].lastIndexOf(':');
    int rc = f[4].lastIndexOf(':');
    return new Row(
        TcpState.parse(f[0]),
        Long.parseLong(f[1]),
        Long.parseLong(f[2]),
        address(f[3].substring(0, lc)),
        port(f[3].substring(lc + 1)),
        address(f[4].substring(0, rc)),
        port(f[4].substring(rc + 1)),
        uid,
        inode);
  }

  /** ss prints the unspecified address of a dual-stack (not v6only) IPv6 socket as "*". */
  private static String address(String s) {
    return s.equals("*") ? "[::]" : s;
  }

  private static int port(String s) {
    return s.equals("*") ? 0 : Integer.parseInt(s);
  }

  /** The address as ss prints it: IPv6 in brackets, IPv4-mapped as [::ffff:a.b.c.d]. */
  static String ssAddress(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return address.getHostAddress();
    }
    boolean mapped = true;
    for (int i = 0; i < 10; i++) {
      mapped &= b[i] == 0;
    }
    mapped &= b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    if (mapped) {
      return "[::ffff:" + (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "."
          + (b[15] & 0xff) + "]";
    }
    return "[" + compress(b) + "]";
  }

  /** RFC 5952 text: the longest run of two or more zero groups becomes "::". */
  private static String compress(byte[] b) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }

  private static String run() throws IOException {
    Process p = new ProcessBuilder("ss", "-tanieH").redirectErrorStream(true).start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(
            "ss -tanieH failed: " + new String(out, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for ss", e);
    }
  }
}
