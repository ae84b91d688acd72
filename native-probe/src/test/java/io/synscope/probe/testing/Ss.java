package io.synscope.probe.testing;

import io.synscope.probe.TcpState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code ss -tanieomH} (iproute2), the reference view of the kernel's TCP sockets, and parses
 * its lines: one line per socket, with {@code -i}/{@code -m} details on a continuation line.
 */
public final class Ss {
  private Ss() {}

  /**
   * One socket as ss prints it. Addresses are ss's text, e.g. {@code 127.0.0.1}, {@code ::1};
   * {@code columns} is the socket's first line as printed, split at white space (e.g. {@code
   * [::ffff:127.0.0.1]:8080} for a local address and port).
   */
  public record Entry(
      TcpState state,
      long recvQ,
      long sendQ,
      String localAddress,
      int localPort,
      String peerAddress,
      int peerPort,
      long inode,
      long uid,
      long cookie,
      String timerName,
      int timerRetransmits,
      Map<String, String> details,
      String congestion,
      List<String> columns) {

    /** A value from the details line ({@code rto}, {@code cwnd}, {@code skmem}, ...), or null. */
    public String detail(String key) {
      return details.get(key);
    }

    /** One skmem counter ({@code r}, {@code rb}, {@code t}, {@code tb}, ...). */
    public long skmem(String key) {
      String v = details.get("skmem");
      if (v == null) {
        throw new IllegalStateException("ss printed no skmem for " + this);
      }
      for (String part : v.substring(1, v.length() - 1).split(",")) {
        int i = 0;
        while (i < part.length() && Character.isLetter(part.charAt(i))) {
          i++;
        }
        if (part.substring(0, i).equals(key)) {
          return Long.parseLong(part.substring(i));
        }
      }
      throw new IllegalArgumentException("no skmem counter " + key + " in " + v);
    }
  }

  /** Every TCP socket of the root namespace that matches the ss filter (may be empty). */
  public static List<Entry> sockets(String... filter) {
    return socketsIn(null, filter);
  }

  /** Every TCP socket with {@code port} as its local or remote port. */
  public static List<Entry> onPort(int port) {
    return sockets("sport = :" + port + " or dport = :" + port);
  }

  /**
   * The sockets in {@code state} that match the filter. The state is picked here, not by ss's
   * {@code state} filter: with one state, ss leaves out the State column.
   */
  public static List<Entry> inState(TcpState state, String... filter) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : sockets(filter)) {
      if (e.state() == state) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * As {@link #sockets}, with {@code -p}: each entry's {@link Entry#columns()} also name the
   * processes that hold the socket, as {@code users:(("name",pid=N,fd=M),...)}.
   */
  public static List<Entry> socketsWithProcesses(String... filter) {
    return parse(run(command(null, "-tanieompH", filter)));
  }

  /** Every TCP socket of network namespace {@code netns} (null: this one) matching the filter. */
  public static List<Entry> socketsIn(String netns, String... filter) {
    return parse(run(command(netns, "-tanieomH", filter)));
  }

  private static List<String> command(String netns, String options, String... filter) {
    List<String> cmd = new ArrayList<>();
    if (netns != null) {
      cmd.addAll(List.of("ip", "netns", "exec", netns));
    }
    cmd.addAll(List.of("ss", options));
    cmd.addAll(Arrays.asList(filter));
    return cmd;
  }

  /** Parses the output of {@code ss -tanieomH} (also with -p, or without -i, -m, -o, -e). */
  public static List<Entry> parse(String output) {
    List<Entry> entries = new ArrayList<>();
    String[] main = null;
    StringBuilder details = new StringBuilder();
    for (String line : output.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (Character.isWhitespace(line.charAt(0))) {
        details.append(' ').append(line.trim());
        continue;
      }
      if (main != null) {
        entries.add(entry(main, details.toString().trim()));
      }
      main = line.trim().split("\\s+");
      details.setLength(0);
    }
    if (main != null) {
      entries.add(entry(main, details.toString().trim()));
    }
    return entries;
  }

  private static Entry entry(String[] f, String detailLine) {
    Map<String, String> details = new LinkedHashMap<>();
    String timerName = null;
    int timerRetransmits = -1;
    long inode = 0;
    long uid = 0;
    long cookie = -1;
    for (int i = 5; i < f.length; i++) {
      String t = f[i];
      if (t.startsWith("timer:(")) {
        String[] parts = t.substring(7, t.length() - 1).split(",");
        timerName = parts[0];
        timerRetransmits = Integer.parseInt(parts[2]);
      } else if (t.startsWith("ino:")) {
        inode = Long.parseLong(t.substring(4));
      } else if (t.startsWith("uid:")) {
        uid = Long.parseLong(t.substring(4));
      } else if (t.startsWith("sk:")) {
        cookie = Long.parseUnsignedLong(t.substring(3), 16);
      }
    }
    String congestion = null;
    String[] d = detailLine.isEmpty() ? new String[0] : detailLine.split("\\s+");
    for (int i = 0; i < d.length; i++) {
      String t = d[i];
      int colon = t.indexOf(':');
      if (colon > 0) {
        details.put(t.substring(0, colon), t.substring(colon + 1));
      } else if (t.equals("send") || t.equals("pacing_rate") || t.equals("delivery_rate")) {
        details.put(t, i + 1 < d.length ? d[++i] : "");
      } else if (congestion == null && !FLAGS.contains(t)) {
        congestion = t;
      } else {
        details.put(t, "");
      }
    }
    String[] local = endpoint(f[3]);
    String[] peer = endpoint(f[4]);
    return new Entry(
        TcpState.parse(f[0]),
        Long.parseLong(f[1]),
        Long.parseLong(f[2]),
        local[0],
        port(local[1]),
        peer[0],
        port(peer[1]),
        inode,
        uid,
        cookie,
        timerName,
        timerRetransmits,
        details,
        congestion,
        List.of(f));
  }

  /** The words ss prints before the congestion algorithm's name. */
  private static final List<String> FLAGS = List.of("ts", "sack", "ecn", "ecnseen", "fastopen");

  /**
   * {@code [addr]:port} or {@code addr:port}. ss prints the IPv6 wildcard address as {@code *};
   * it is returned as {@code ::}, as inet_ntop prints it.
   */
  private static String[] endpoint(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("ss printed an endpoint without a port: " + text);
    }
    String address = text.substring(0, colon);
    if (address.equals("*")) {
      address = "::";
    }
    if (address.startsWith("[")) {
      address = address.substring(1, address.length() - 1);
    }
    int percent = address.indexOf('%');
    if (percent >= 0) {
      address = address.substring(0, percent);
    }
    return new String[] {address, text.substring(colon + 1)};
  }

  private static int port(String text) {
    return text.equals("*") ? 0 : Integer.parseInt(text);
  }

  /**
   * Runs a command and returns its standard output (its standard error, where ss inside a
   * namespace may warn about cgroups, only goes into the failure message).
   */
  public static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).start();
      java.util.concurrent.CompletableFuture<byte[]> err =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
              return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
              return new byte[0];
            }
          });
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(command + " timed out");
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(command + " exited with " + p.exitValue() + ": " + text
            + new String(err.join(), StandardCharsets.UTF_8));
      }
      return text;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }

  /** True if the program can be found on the PATH or in /sbin, /usr/sbin. */
  public static boolean hasTool(String name) {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/sbin:/usr/sbin").split(":")) {
      if (!dir.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, name))) {
        return true;
      }
    }
    return false;
  }
}
