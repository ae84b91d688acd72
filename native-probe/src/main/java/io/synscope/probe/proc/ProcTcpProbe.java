package io.synscope.probe.proc;

import io.synscope.probe.DataSource;
import io.synscope.probe.IpFamily;
import io.synscope.probe.ProbeException;
import io.synscope.probe.SocketQuery;
import io.synscope.probe.SocketVisitor;
import io.synscope.probe.TcpProbe;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Reads TCP sockets from {@code /proc/net/tcp} and {@code /proc/net/tcp6}, as {@code netstat}
 * does: the fallback where netlink sock_diag cannot be used.
 *
 * <p>What these files lack, compared with netlink (see {@link io.synscope.probe.TcpSocket}):
 *
 * <ul>
 *   <li>A listener's backlog: {@code tx_queue} is {@code write_seq - snd_una}, 0 for a listener,
 *       so a listener's {@code sendQ} is -1 (unknown). Its {@code recvQ} is the accept queue's
 *       length, as with netlink.
 *   <li>tcp_info, socket memory, the congestion algorithm and the socket cookie (-1).
 *   <li>Timer precision: the {@code tm->when} column is in {@code USER_HZ} clock ticks (100 per
 *       second), so {@code timerExpiresMillis} is a multiple of 10 ms.
 * </ul>
 *
 * <p>Request sockets (NEW_SYN_RECV) appear with state SYN_RECV, inode 0 and the listener's uid;
 * TIME_WAIT sockets with uid 0 and inode 0, as netlink reports them.
 *
 * <p>The query's families choose the files; state, ports and inodes are checked on each line
 * before a record is built. A line that cannot be parsed ends the dump with a {@link
 * io.synscope.probe.MalformedDataException} naming the file, the line number and the problem:
 * the kernel writes these files, so a bad line means the format changed, and skipping it would
 * hide sockets silently.
 */
public final class ProcTcpProbe implements TcpProbe {
  private final Path netDirectory;
  private volatile boolean closed;

  /** Reads this process's network namespace, {@code /proc/net}. */
  public ProcTcpProbe() {
    this(Paths.get("/proc/net"));
  }

  /**
   * Reads {@code tcp} and {@code tcp6} in the given directory: {@code /proc/PID/net} reads the
   * network namespace of process PID.
   */
  public ProcTcpProbe(Path netDirectory) {
    this.netDirectory = netDirectory;
  }

  /** A probe over the network namespace of process {@code pid} ({@code /proc/PID/net}). */
  public static ProcTcpProbe forProcess(long pid) {
    return new ProcTcpProbe(Paths.get("/proc", Long.toString(pid), "net"));
  }

  /** The directory holding {@code tcp} and {@code tcp6}. */
  public Path netDirectory() {
    return netDirectory;
  }

  @Override
  public DataSource source() {
    return DataSource.PROC;
  }

  /**
   * {@inheritDoc}
   *
   * <p>A missing {@code tcp6} (IPv6 disabled in the kernel) gives no IPv6 sockets; any other
   * failure to read is a {@link ProbeException} naming the file.
   */
  @Override
  public void dump(SocketQuery query, SocketVisitor visitor) {
    if (closed) {
      throw new IllegalStateException("probe over " + netDirectory + " is closed");
    }
    if (query.includesIpv4() && !dumpFile("tcp", IpFamily.IPV4, false, query, visitor)) {
      return;
    }
    if (query.includesIpv6()) {
      dumpFile("tcp6", IpFamily.IPV6, true, query, visitor);
    }
  }

  private boolean dumpFile(
      String name, IpFamily family, boolean mayBeAbsent, SocketQuery query, SocketVisitor visitor) {
    Path file = netDirectory.resolve(name);
    ProcNetTcpParser parser =
        new ProcNetTcpParser(file.toString(), family, ByteOrder.nativeOrder());
    // ISO-8859-1 maps every byte to a char, so stray bytes reach the parser and are reported
    // with their line instead of failing inside the decoder.
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      return parser.parse(reader, query, visitor);
    } catch (NoSuchFileException e) {
      if (mayBeAbsent && Files.isDirectory(netDirectory)) {
        return true;
      }
      throw new ProbeException("cannot read " + file + ": no such file", e);
    } catch (IOException e) {
      throw new ProbeException("cannot read " + file + ": " + e, e);
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "ProcTcpProbe{" + netDirectory + '}';
  }
}
