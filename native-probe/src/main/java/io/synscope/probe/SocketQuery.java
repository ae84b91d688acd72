package io.synscope.probe;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which sockets a dump returns and what it returns of them. Immutable; build with {@link
 * #builder()}. The state mask and families are applied by the kernel; ports and inodes while the
 * answer is parsed, before any record is materialised.
 */
public final class SocketQuery {
  /** Every state, NEW_SYN_RECV request sockets included. */
  public static final int ALL_STATES = 0xffff_ffff;

  private static final SocketQuery ALL = builder().build();

  private final int stateMask;
  private final boolean ipv4;
  private final boolean ipv6;
  private final int localPort;
  private final int remotePort;
  private final int anyPort;
  private final long[] inodes;
  private final boolean withInfo;

  private SocketQuery(Builder b) {
    this.stateMask = b.stateMask;
    this.ipv4 = b.ipv4;
    this.ipv6 = b.ipv6;
    this.localPort = b.localPort;
    this.remotePort = b.remotePort;
    this.anyPort = b.anyPort;
    this.inodes = b.inodes;
    this.withInfo = b.withInfo;
  }

  /** Every TCP socket, IPv4 and IPv6, without tcp_info. */
  public static SocketQuery all() {
    return ALL;
  }

  /** Listening sockets only, IPv4 and IPv6. */
  public static SocketQuery listeners() {
    return builder().states(TcpState.LISTEN).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The kernel's state bit mask ({@code 1 << state}), for {@code idiag_states}. */
  public int stateMask() {
    return stateMask;
  }

  public boolean includesIpv4() {
    return ipv4;
  }

  public boolean includesIpv6() {
    return ipv6;
  }

  /** True if the kernel's state number passes the mask. */
  public boolean matchesState(int kernelState) {
    return kernelState >= 0 && kernelState < 32 && (stateMask & (1 << kernelState)) != 0;
  }

  /** True if the ports pass the port filters (local, remote, and either-side). */
  public boolean matchesPorts(int local, int remote) {
    return (localPort < 0 || local == localPort)
        && (remotePort < 0 || remote == remotePort)
        && (anyPort < 0 || local == anyPort || remote == anyPort);
  }

  /** True if no inode filter is set or the inode is one of the wanted ones. */
  public boolean matchesInode(long inode) {
    return inodes == null || Arrays.binarySearch(inodes, inode) >= 0;
  }

  /** True if there is a port or inode filter to apply while parsing. */
  public boolean hasRecordFilter() {
    return localPort >= 0 || remotePort >= 0 || anyPort >= 0 || inodes != null;
  }

  /** The local port wanted, or -1 for any. */
  public int localPort() {
    return localPort;
  }

  /** The remote port wanted, or -1 for any. */
  public int remotePort() {
    return remotePort;
  }

  /** A port wanted on either side, or -1 for any. */
  public int anyPort() {
    return anyPort;
  }

  /** Whether tcp_info, socket memory and the congestion algorithm are requested. */
  public boolean withInfo() {
    return withInfo;
  }

  @Override
  public String toString() {
    return "SocketQuery{stateMask=0x" + Integer.toHexString(stateMask)
        + ", ipv4=" + ipv4 + ", ipv6=" + ipv6
        + ", localPort=" + localPort + ", remotePort=" + remotePort + ", anyPort=" + anyPort
        + ", inodes=" + (inodes == null ? "any" : inodes.length)
        + ", withInfo=" + withInfo + '}';
  }

  /** Builds a {@link SocketQuery}; by default every state, both families, no filters, no info. */
  public static final class Builder {
    private int stateMask = ALL_STATES;
    private boolean ipv4 = true;
    private boolean ipv6 = true;
    private int localPort = -1;
    private int remotePort = -1;
    private int anyPort = -1;
    private long[] inodes;
    private boolean withInfo;

    private Builder() {}

    /** Only these states. */
    public Builder states(TcpState first, TcpState... rest) {
      return states(EnumSet.of(first, rest));
    }

    /** Only these states. */
    public Builder states(Set<TcpState> states) {
      int mask = 0;
      for (TcpState s : states) {
        mask |= s.kernelMask();
      }
      this.stateMask = mask;
      return this;
    }

    /** Only these families. */
    public Builder families(IpFamily first, IpFamily... rest) {
      EnumSet<IpFamily> set = EnumSet.of(first, rest);
      this.ipv4 = set.contains(IpFamily.IPV4);
      this.ipv6 = set.contains(IpFamily.IPV6);
      return this;
    }

    /** Only sockets whose local port is {@code port}. */
    public Builder localPort(int port) {
      this.localPort = checkPort(port);
      return this;
    }

    /** Only sockets whose remote port is {@code port}. */
    public Builder remotePort(int port) {
      this.remotePort = checkPort(port);
      return this;
    }

    /** Only sockets with {@code port} on either side, like ss's {@code sport = :P or dport = :P}. */
    public Builder port(int port) {
      this.anyPort = checkPort(port);
      return this;
    }

    /** Only sockets with one of these inodes (a process's sockets, see SocketOwnership). */
    public Builder inodes(Collection<Long> wanted) {
      long[] a = new long[wanted.size()];
      int i = 0;
      for (Long l : wanted) {
        a[i++] = l;
      }
      return inodes(a);
    }

    /** Only sockets with one of these inodes. The array is copied. */
    public Builder inodes(long[] wanted) {
      long[] a = wanted.clone();
      Arrays.sort(a);
      this.inodes = a;
      return this;
    }

    /** Also fetch tcp_info, socket memory and the congestion algorithm (netlink only). */
    public Builder withInfo(boolean withInfo) {
      this.withInfo = withInfo;
      return this;
    }

    public SocketQuery build() {
      if (!ipv4 && !ipv6) {
        throw new IllegalArgumentException("a query needs at least one address family");
      }
      return new SocketQuery(this);
    }

    private static int checkPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is outside 0..65535");
      }
      return port;
    }
  }
}
