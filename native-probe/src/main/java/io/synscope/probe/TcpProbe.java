package io.synscope.probe;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the kernel's table of TCP sockets. Obtain one from {@link TcpProbes}; close it when done
 * (a netlink probe holds a socket and a buffer). An instance is safe to use from several threads:
 * dumps are serialised.
 */
public interface TcpProbe extends AutoCloseable {

  /** Where this probe's records come from. */
  DataSource source();

  /**
   * Streams the sockets that match the query to the visitor.
   *
   * @throws NativeCallException when a system call fails (carries the operation and errno)
   * @throws MalformedDataException when the kernel's answer cannot be decoded
   */
  void dump(SocketQuery query, SocketVisitor visitor);

  /**
   * Streams the sockets that match the query as views read in place; a netlink probe then
   * allocates nothing per socket. The probes that build records anyway hand over views of them.
   */
  default void dumpViews(SocketQuery query, SocketViewVisitor visitor) {
    dump(query, s -> visitor.visit(SocketView.of(s)));
  }

  /** The sockets that match the query, in the kernel's order. */
  default List<TcpSocket> list(SocketQuery query) {
    List<TcpSocket> out = new ArrayList<>();
    dump(
        query,
        s -> {
          out.add(s);
          return true;
        });
    return out;
  }

  /** Releases the probe's socket and buffers; further dumps throw IllegalStateException. */
  @Override
  void close();
}
