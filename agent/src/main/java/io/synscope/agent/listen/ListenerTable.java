package io.synscope.agent.listen;

import io.synscope.probe.ListenerLookup;
import io.synscope.probe.SocketQuery;
import io.synscope.probe.TcpProbe;
import io.synscope.probe.TcpSocket;
import io.synscope.probe.TcpState;
import io.synscope.probe.proc.SocketOwnership;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads this process's listeners: one dump of the namespace's LISTEN sockets (a state mask the
 * kernel applies, so unrelated connections cost nothing), kept when their inode is one of this
 * process's ({@code /proc/self/fd}), and one dump of SYN_RECV request sockets on those ports.
 * Listeners opened by native code (an epoll transport, an embedded server) are found like any
 * other, since nothing here depends on how the socket was made.
 *
 * <p>Ownership is remembered per inode while the listener exists, so {@code /proc/self/fd} is read
 * only when a listening socket not seen before appears: an inode names one socket for that socket's
 * life. Safe for use from several threads.
 */
public final class ListenerTable {
  private static final SocketQuery LISTENERS = SocketQuery.listeners();
  private static final SocketQuery REQUESTS =
      SocketQuery.builder().states(TcpState.SYN_RECV).build();

  private final TcpProbe probe;
  private final Supplier<long[]> ownInodes;

  /** Inode of each listening socket in the last dump: true when it is this process's. */
  private Map<Long, Boolean> ownership = new HashMap<>();

  /** A table of the calling process's listeners, read through {@code probe}. */
  public ListenerTable(TcpProbe probe) {
    this(probe, SocketOwnership::selfSocketInodes);
  }

  /** A table of the listeners whose inodes {@code ownInodes} returns (sorted). */
  ListenerTable(TcpProbe probe, Supplier<long[]> ownInodes) {
    this.probe = probe;
    this.ownInodes = ownInodes;
  }

  /**
   * The listeners now.
   *
   * @throws io.synscope.probe.ProbeException when the kernel's tables or /proc cannot be read
   */
  public synchronized ListenerSnapshot read() {
    List<TcpSocket> namespaceListeners = probe.list(LISTENERS);
    long readAt = System.nanoTime();
    updateOwnership(namespaceListeners);

    Map<String, Group> groups = new LinkedHashMap<>();
    Set<Integer> ports = new HashSet<>();
    for (TcpSocket s : namespaceListeners) {
      if (ownership.get(s.inode())) {
        groups.computeIfAbsent(keyOf(s), k -> new Group(s)).add(s);
        ports.add(s.localPort());
      }
    }
    if (!groups.isEmpty()) {
      countRequests(namespaceListeners, ports, groups);
    }
    List<Listener> listeners = new ArrayList<>(groups.size());
    for (Group g : groups.values()) {
      listeners.add(g.toListener());
    }
    return new ListenerSnapshot(listeners, probe.source(), readAt);
  }

  private void updateOwnership(List<TcpSocket> namespaceListeners) {
    Map<Long, Boolean> next = new HashMap<>();
    long[] own = null;
    for (TcpSocket s : namespaceListeners) {
      Boolean known = ownership.get(s.inode());
      if (known == null) {
        if (own == null) {
          own = ownInodes.get();
        }
        known = Arrays.binarySearch(own, s.inode()) >= 0;
      }
      next.put(s.inode(), known);
    }
    ownership = next;
  }

  /**
   * Adds each request socket to the listener the kernel would hand it to, judged among every
   * listener of the namespace on the same port (another process's listener on a more specific
   * address takes its own requests).
   */
  private void countRequests(
      List<TcpSocket> namespaceListeners, Set<Integer> ports, Map<String, Group> groups) {
    List<TcpSocket> candidates = new ArrayList<>();
    for (TcpSocket s : namespaceListeners) {
      if (ports.contains(s.localPort())) {
        candidates.add(s);
      }
    }
    SocketQuery query =
        ports.size() == 1
            ? SocketQuery.builder()
                .states(TcpState.SYN_RECV)
                .localPort(ports.iterator().next())
                .build()
            : REQUESTS;
    probe.dump(
        query,
        request -> {
          if (ports.contains(request.localPort())) {
            int owner = ListenerLookup.indexOf(request, candidates);
            if (owner >= 0) {
              Group g = groups.get(keyOf(candidates.get(owner)));
              // SO_REUSEPORT sockets of another process on the same address and port share the
              // requests with ours; they cannot be told apart, so ours get them.
              if (g != null) {
                g.synRecv++;
              }
            }
          }
          return true;
        });
  }

  private static String keyOf(TcpSocket s) {
    return s.family() + " " + s.localAddress().getHostAddress() + " " + s.localPort();
  }

  /** The sockets on one address and port. */
  private static final class Group {
    private final TcpSocket first;
    private final List<Long> inodes = new ArrayList<>(1);
    private long depth;
    private long backlog;
    private boolean full;
    private int synRecv;

    Group(TcpSocket first) {
      this.first = first;
    }

    void add(TcpSocket s) {
      inodes.add(s.inode());
      depth += s.recvQ();
      // One unknown backlog (a /proc listener) makes the sum unknown.
      backlog = s.sendQ() < 0 || backlog < 0 ? -1 : backlog + s.sendQ();
      full |= s.acceptQueueFull();
    }

    Listener toListener() {
      inodes.sort(null);
      return new Listener(
          first.family(),
          first.localAddress(),
          first.localPort(),
          inodes,
          depth,
          backlog,
          full,
          synRecv);
    }
  }
}
