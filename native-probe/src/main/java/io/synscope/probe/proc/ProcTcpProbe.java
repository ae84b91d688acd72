package io.synscope.probe.proc;

import io.synscope.probe.DataSource;
import io.synscope.probe.SocketQuery;
import io.synscope.probe.SocketVisitor;
import io.synscope.probe.TcpProbe;

/** Reads TCP sockets from /proc/net/tcp and /proc/net/tcp6, as {@code netstat} does. */
public final class ProcTcpProbe implements TcpProbe {

  public ProcTcpProbe() {}

  @Override
  public DataSource source() {
    return DataSource.PROC;
  }

  @Override
  public void dump(SocketQuery query, SocketVisitor visitor) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  @Override
  public void close() {}
}
