package io.synscope.agent.listen;

import io.synscope.probe.SocketQuery;
import io.synscope.probe.TcpProbe;
import io.synscope.probe.TcpState;
import io.synscope.probe.proc.SocketOwnership;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Counts this process's TCP sockets by state: one dump of the namespace's sockets, kept when their
 * inode is linked from {@code /proc/self/fd}.
 *
 * <p>Sockets the process no longer holds are nobody's: TIME_WAIT sockets and request sockets
 * (SYN_RECV of a listener) have inode 0, and a socket closed while FIN_WAIT or LAST_ACK is an
 * orphan of the kernel's. They are therefore not counted.
 */
public final class ProcessSockets {
  /** States in which a process can hold a TCP socket that a dump reports. */
  public static final TcpState[] STATES = {
    TcpState.ESTABLISHED,
    TcpState.SYN_SENT,
    TcpState.SYN_RECV,
    TcpState.FIN_WAIT1,
    TcpState.FIN_WAIT2,
    TcpState.CLOSE_WAIT,
    TcpState.LAST_ACK,
    TcpState.LISTEN,
    TcpState.CLOSING
  };

  private final TcpProbe probe;
  private final Supplier<long[]> ownInodes;

  public ProcessSockets(TcpProbe probe) {
    this(probe, SocketOwnership::selfSocketInodes);
  }

  ProcessSockets(TcpProbe probe, Supplier<long[]> ownInodes) {
    this.probe = probe;
    this.ownInodes = ownInodes;
  }

  /**
   * The count in each of {@link #STATES}, zero included.
   *
   * @throws io.synscope.probe.ProbeException when the kernel's tables or /proc cannot be read
   */
  public Map<TcpState, Integer> countByState() {
    Map<TcpState, Integer> counts = new EnumMap<>(TcpState.class);
    for (TcpState s : STATES) {
      counts.put(s, 0);
    }
    SocketQuery query = SocketQuery.builder().inodes(ownInodes.get()).build();
    probe.dump(
        query,
        s -> {
          counts.merge(s.state(), 1, Integer::sum);
          return true;
        });
    return counts;
  }
}
