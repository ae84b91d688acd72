package io.synscope.agent.metrics;

/**
 * What a traced connection amounted to when the application closed it, from its last tcp_info.
 *
 * @param side "client" (it was connected) or "server" (it was accepted)
 * @param lifetimeNanos time from established to close
 * @param bytesAcked bytes the peer acknowledged (tcpi_bytes_acked)
 * @param bytesReceived bytes received (tcpi_bytes_received)
 * @param totalRetransmits segments retransmitted over the connection's life (tcpi_total_retrans)
 * @param rttMicros the last smoothed round trip time
 * @param closedFirst "local" if this side closed first (and is left in TIME_WAIT), "peer" if the
 *     peer had closed already (CLOSE_WAIT at close), "unknown" otherwise
 * @param stateLeft the TCP state the socket is left in by the close (TIME_WAIT, LAST_ACK, ...), as
 *     the kernel's name
 */
public record ConnectionSummary(
    String side,
    long lifetimeNanos,
    long bytesAcked,
    long bytesReceived,
    long totalRetransmits,
    long rttMicros,
    String closedFirst,
    String stateLeft) {}
