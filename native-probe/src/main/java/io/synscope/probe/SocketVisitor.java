package io.synscope.probe;

/**
 * Receives the sockets of a dump one at a time, in the order the kernel sends them. The streaming
 * form of {@link TcpProbe#list}: nothing is collected, and sockets that the {@link SocketQuery}
 * filters out are never materialised.
 */
@FunctionalInterface
public interface SocketVisitor {
  /**
   * Called for each socket that matched the query.
   *
   * @return {@code false} to stop the dump early (the rest of the kernel's answer is drained and
   *     discarded), {@code true} to go on
   */
  boolean visit(TcpSocket socket);
}
