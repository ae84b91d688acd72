package io.synscope.probe;

/**
 * Receives the sockets of a dump as views read in place: the form of {@link TcpProbe#dump} that
 * allocates nothing per socket, for callers that count, sum or pick a few fields.
 */
@FunctionalInterface
public interface SocketViewVisitor {
  /**
   * Called for each socket that matched the query; the view is valid only during the call.
   *
   * @return {@code false} to stop the dump early, {@code true} to go on
   */
  boolean visit(SocketView socket);
}
