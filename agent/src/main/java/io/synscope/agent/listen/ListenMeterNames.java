package io.synscope.agent.listen;

import java.util.List;

/**
 * Names, tags and units of the meters this package registers, in Micrometer's dotted form (a
 * Prometheus registry renders {@code tcp.listen.queue.depth} as {@code
 * tcp_listen_queue_depth_...}).
 */
public final class ListenMeterNames {
  private ListenMeterNames() {}

  public static final String LISTEN_QUEUE_DEPTH = "tcp.listen.queue.depth";
  public static final String LISTEN_QUEUE_LIMIT = "tcp.listen.queue.limit";
  public static final String LISTEN_SYN_RECV = "tcp.listen.syn.recv";
  public static final String LISTEN_SOCKETS = "tcp.listen.sockets";
  public static final String CONNECTIONS = "tcp.connections";

  public static final String TAG_ADDRESS = "address";
  public static final String TAG_PORT = "port";
  public static final String TAG_STATE = "state";

  public static final String UNIT_CONNECTIONS = "connections";
  public static final String UNIT_SOCKETS = "sockets";
  public static final String UNIT_PACKETS = "packets";
  public static final String UNIT_SEGMENTS = "segments";

  /**
   * One {@code tcp.stack.*} counter: a kernel counter ({@code include/uapi/linux/snmp.h} for
   * TcpExt, RFC 4022 for Tcp) under a Micrometer name.
   */
  public record StackCounter(
      String group, String kernelName, String meterName, String baseUnit, String meaning) {
    /** The meter's description: the meaning, where it comes from, and that it is namespace-wide. */
    public String description() {
      return meaning
          + " (kernel counter "
          + group
          + " "
          + kernelName
          + "; counts the whole network namespace, not only this process)";
    }
  }

  /** The stack counters worth watching for connection trouble, in the order they are shown. */
  public static final List<StackCounter> STACK_COUNTERS =
      List.of(
          new StackCounter(
              "TcpExt",
              "ListenOverflows",
              "tcp.stack.listen.overflows",
              UNIT_PACKETS,
              "SYNs and final ACKs dropped because a listener's accept queue was full"),
          new StackCounter(
              "TcpExt",
              "ListenDrops",
              "tcp.stack.listen.drops",
              UNIT_PACKETS,
              "SYNs and final ACKs dropped by listeners for any reason, overflows included"),
          new StackCounter(
              "TcpExt",
              "TCPReqQFullDrop",
              "tcp.stack.req.q.full.drop",
              UNIT_PACKETS,
              "SYNs dropped because a SYN queue was full and SYN cookies were off"),
          new StackCounter(
              "TcpExt",
              "TCPReqQFullDoCookies",
              "tcp.stack.req.q.full.do.cookies",
              UNIT_PACKETS,
              "SYNs answered with a SYN cookie because a SYN queue was full"),
          new StackCounter(
              "TcpExt",
              "SyncookiesSent",
              "tcp.stack.syncookies.sent",
              UNIT_PACKETS,
              "SYN cookies sent"),
          new StackCounter(
              "TcpExt",
              "SyncookiesRecv",
              "tcp.stack.syncookies.recv",
              UNIT_PACKETS,
              "ACKs received with a valid SYN cookie"),
          new StackCounter(
              "TcpExt",
              "SyncookiesFailed",
              "tcp.stack.syncookies.failed",
              UNIT_PACKETS,
              "ACKs received whose SYN cookie did not validate"),
          new StackCounter(
              "TcpExt",
              "TCPSynRetrans",
              "tcp.stack.syn.retrans",
              UNIT_SEGMENTS,
              "SYN and SYN-ACK retransmissions"),
          new StackCounter(
              "TcpExt",
              "TCPTimeouts",
              "tcp.stack.timeouts",
              "timeouts",
              "retransmission timer expiries, SYN and SYN-ACK timeouts included"),
          new StackCounter(
              "TcpExt",
              "TCPAbortOnTimeout",
              "tcp.stack.abort.on.timeout",
              UNIT_CONNECTIONS,
              "connections aborted because retransmissions timed out"),
          new StackCounter(
              "TcpExt",
              "EmbryonicRsts",
              "tcp.stack.embryonic.rsts",
              UNIT_PACKETS,
              "resets received for half-open connections in SYN_RECV"),
          new StackCounter(
              "Tcp",
              "ActiveOpens",
              "tcp.stack.active.opens",
              UNIT_CONNECTIONS,
              "connections opened by connect(): transitions from CLOSED to SYN_SENT"),
          new StackCounter(
              "Tcp",
              "PassiveOpens",
              "tcp.stack.passive.opens",
              UNIT_CONNECTIONS,
              "connections opened by listeners: transitions from LISTEN to SYN_RECV"),
          new StackCounter(
              "Tcp",
              "AttemptFails",
              "tcp.stack.attempt.fails",
              UNIT_CONNECTIONS,
              "connection attempts that failed from SYN_SENT or SYN_RECV"),
          new StackCounter(
              "Tcp",
              "EstabResets",
              "tcp.stack.estab.resets",
              UNIT_CONNECTIONS,
              "connections reset from ESTABLISHED or CLOSE_WAIT"),
          new StackCounter(
              "Tcp",
              "RetransSegs",
              "tcp.stack.retrans.segs",
              UNIT_SEGMENTS,
              "segments retransmitted"),
          new StackCounter(
              "Tcp",
              "InErrs",
              "tcp.stack.in.errs",
              UNIT_SEGMENTS,
              "segments received in error (bad checksum, for instance)"),
          new StackCounter(
              "Tcp",
              "OutRsts",
              "tcp.stack.out.rsts",
              UNIT_SEGMENTS,
              "segments sent with the RST flag"));
}
