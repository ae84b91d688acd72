package io.synscope.agent.listen;

import io.synscope.probe.InetAddressText;
import io.synscope.probe.IpFamily;
import java.net.InetAddress;
import java.util.List;

/**
 * One listening address and port of this process, with its accept queue and its half-open
 * handshakes, as the kernel reports them (netlink {@code struct inet_diag_msg}, {@code
 * linux/inet_diag.h}; the same figures as {@code ss -ltn}).
 *
 * <p>Several sockets can listen on one address and port with SO_REUSEPORT (socket(7)); they are one
 * listener here, their queue lengths and backlogs summed, since the kernel spreads connections over
 * them and request sockets cannot be told apart by socket.
 *
 * @param family IPv4 or IPv6
 * @param address the local address, the wildcard address for a listener on every address
 * @param port the local port
 * @param inodes the listening sockets' inodes, sorted (one without SO_REUSEPORT)
 * @param queueDepth {@code idiag_rqueue}: connections in the accept queue, established and not yet
 *     accepted (ss Recv-Q)
 * @param backlog {@code idiag_wqueue}: the accept queue's limit, listen()'s backlog capped by
 *     net.core.somaxconn (ss Send-Q); -1 when the source does not report it (/proc/net/tcp)
 * @param queueFull true when an accept queue is full in the kernel's sense ({@code
 *     sk_acceptq_is_full}: length greater than the backlog): new SYNs and final ACKs are dropped
 * @param synRecv request sockets (NEW_SYN_RECV) of handshakes under way to this listener
 */
public record Listener(
    IpFamily family,
    InetAddress address,
    int port,
    List<Long> inodes,
    long queueDepth,
    long backlog,
    boolean queueFull,
    int synRecv) {

  public Listener {
    inodes = List.copyOf(inodes);
  }

  /** True when the backlog is known (netlink), false for listeners read from /proc. */
  public boolean backlogKnown() {
    return backlog >= 0;
  }

  /**
   * True when the queue is full or one more connection would fill it: the length has reached the
   * backlog. Drops follow as soon as another handshake completes.
   */
  public boolean atLimit() {
    return queueFull || (backlogKnown() && queueDepth >= backlog);
  }

  /**
   * The address as the application sees it, without brackets ({@code 127.0.0.1}, {@code ::}): an
   * IPv4-mapped address of a dual-stack socket ({@code ::ffff:127.0.0.1} in ss) as the IPv4 address
   * it stands for, which is what Java reports for such a socket and the packets carry.
   */
  public String addressText() {
    return isIpv4Mapped() ? ipv4Text() : InetAddressText.format(address);
  }

  /** The value of network.type: ipv4 for IPv4 and IPv4-mapped addresses, else ipv6. */
  public String networkType() {
    return family == IpFamily.IPV4 || isIpv4Mapped() ? "ipv4" : "ipv6";
  }

  /** Address and port as an operator writes them: {@code 127.0.0.1:8080}, {@code [::]:8080}. */
  public String endpoint() {
    String a = addressText();
    return (a.indexOf(':') >= 0 ? "[" + a + "]" : a) + ":" + port;
  }

  private boolean isIpv4Mapped() {
    byte[] a = address.getAddress();
    if (a.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
  }

  private String ipv4Text() {
    byte[] a = address.getAddress();
    return (a[12] & 0xff) + "." + (a[13] & 0xff) + "." + (a[14] & 0xff) + "." + (a[15] & 0xff);
  }

  /** The key that stays the same for this address and port across polls. */
  public String key() {
    return endpoint();
  }
}
