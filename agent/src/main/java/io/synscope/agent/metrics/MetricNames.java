package io.synscope.agent.metrics;

/**
 * Meter names, tag keys, fixed tag values and descriptions of the meters synscope registers, in
 * one place. Names follow Micrometer's convention (lowercase, dotted, values in base units: seconds
 * for timers, bytes for sizes); each registry renders them its own way ({@code
 * tcp.connect.duration} becomes {@code tcp_connect_duration_seconds} in Prometheus).
 */
public final class MetricNames {
  private MetricNames() {}

  /** Timer: from the application's connect call until the connection was established or failed. */
  public static final String CONNECT_DURATION = "tcp.connect.duration";

  public static final String CONNECT_DURATION_DESCRIPTION =
      "Time from the application's connect call until the connection was established or the"
          + " connect failed";

  /** Timer: how long an established connection waited in the listener's accept queue. */
  public static final String ACCEPT_QUEUE_WAIT = "tcp.accept.queue.wait";

  public static final String ACCEPT_QUEUE_WAIT_DESCRIPTION =
      "Time an established connection waited in the listener's accept queue until the application"
          + " accepted it, from the kernel's handshake completion";

  /** Distribution summary: SYNs a client retransmitted during one connect. */
  public static final String SYN_RETRANSMITS = "tcp.syn.retransmits";

  public static final String SYN_RETRANSMITS_DESCRIPTION =
      "SYN retransmissions during one connect (tcp_info total_retrans when the connect finished);"
          + " 0 for a handshake that needed none";

  /** Timer: the life of a traced connection, from established to the application's close. */
  public static final String CONNECTION_DURATION = "tcp.connection.duration";

  public static final String CONNECTION_DURATION_DESCRIPTION =
      "Life of a traced connection from established until the application closed it";

  /** Distribution summary: bytes the peer acknowledged over a connection's life. */
  public static final String CONNECTION_BYTES_ACKED = "tcp.connection.bytes.acked";

  public static final String CONNECTION_BYTES_ACKED_DESCRIPTION =
      "Bytes the peer acknowledged over a connection's life (tcp_info bytes_acked at close)";

  /** Distribution summary: bytes received over a connection's life. */
  public static final String CONNECTION_BYTES_RECEIVED = "tcp.connection.bytes.received";

  public static final String CONNECTION_BYTES_RECEIVED_DESCRIPTION =
      "Bytes received over a connection's life (tcp_info bytes_received at close)";

  /** Distribution summary: segments retransmitted over a connection's life. */
  public static final String CONNECTION_RETRANSMITS = "tcp.connection.retransmits";

  public static final String CONNECTION_RETRANSMITS_DESCRIPTION =
      "Segments retransmitted over a connection's life, handshake included (tcp_info"
          + " total_retrans at close)";

  /** Timer: the last smoothed round-trip time of a connection when it closed. */
  public static final String CONNECTION_RTT = "tcp.connection.rtt";

  public static final String CONNECTION_RTT_DESCRIPTION =
      "Smoothed round-trip time of a connection when it closed (tcp_info rtt)";

  /** Function counter: spans the agent made but lost, by reason. */
  public static final String DROPPED_SPANS = "synscope.dropped.spans";

  public static final String DROPPED_SPANS_DESCRIPTION =
      "Spans the agent made but never delivered: dropped because the export queue was full"
          + " (otel.bsp.max.queue.size), or not accepted by the exporter's endpoint";

  /** Tag: success or failure of a connect. */
  public static final String OUTCOME = "outcome";

  /** Tag: why a connect failed ({@value #NONE} on success). */
  public static final String ERROR_TYPE = "error.type";

  /** Tag: client (the application connected) or server (it accepted). */
  public static final String SIDE = "side";

  /** Tag: local, peer or unknown: which side closed the connection first. */
  public static final String CLOSED_FIRST = "closed.first";

  /** Tag: the TCP state the close left the socket in, by the kernel's name. */
  public static final String STATE_LEFT = "state.left";

  /** Tag of {@link #DROPPED_SPANS}: {@value #QUEUE_FULL} or {@value #EXPORT_FAILED}. */
  public static final String REASON = "reason";

  public static final String SUCCESS = "success";
  public static final String FAILURE = "failure";

  /** {@link #ERROR_TYPE} of a connect that succeeded. */
  public static final String NONE = "none";

  /** A tag value that stands for every value beyond a tag's limit of distinct values. */
  public static final String OTHER = "other";

  public static final String CLIENT = "client";
  public static final String SERVER = "server";
  public static final String LOCAL = "local";
  public static final String PEER = "peer";
  public static final String UNKNOWN = "unknown";

  public static final String QUEUE_FULL = "queue_full";
  public static final String EXPORT_FAILED = "export_failed";

  public static final String UNIT_BYTES = "bytes";
  public static final String UNIT_RETRANSMITS = "retransmits";
  public static final String UNIT_SPANS = "spans";
}
