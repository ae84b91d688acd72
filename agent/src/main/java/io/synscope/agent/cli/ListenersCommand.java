package io.synscope.agent.cli;

import io.synscope.probe.SocketQuery;
import io.synscope.probe.TcpProbe;
import io.synscope.probe.TcpProbes;
import io.synscope.probe.TcpSocket;
import io.synscope.probe.TcpState;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code listeners}: each listening socket's accept queue (depth and backlog, FULL when the kernel
 * drops for it), its half-open connections and its owner.
 */
final class ListenersCommand implements Command {

  record Options(Integer port, boolean json) {
    SocketQuery query() {
      SocketQuery.Builder b = SocketQuery.builder().states(TcpState.LISTEN, TcpState.SYN_RECV);
      if (port != null) {
        b.localPort(port);
      }
      return b.build();
    }
  }

  @Override
  public String name() {
    return "listeners";
  }

  @Override
  public String summary() {
    return "listening sockets: accept queue depth and backlog, SYN_RECV count, owner";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "Usage: java -jar synscope-agent.jar listeners [options]",
        "",
        "Lists each listening TCP socket with its accept queue: Accept-Q is the number of",
        "established connections not yet accepted, Backlog the queue's limit (listen()'s backlog",
        "capped by net.core.somaxconn). FULL marks a queue the kernel counts as full (more",
        "connections than the backlog): it is dropping new SYNs and final ACKs. SYN-Recv counts",
        "the handshakes in progress (request sockets) for that listener.",
        "",
        "Options:",
        "  --port PORT     only listeners on local port PORT (0..65535)",
        "  --json          one JSON object per listener and line",
        "  -h, --help      show this help");
  }

  static Options parse(List<String> args) throws UsageException {
    ArgumentParser.Parsed p = new ArgumentParser().value("--port").flag("--json").parse(args);
    Integer port = p.has("--port") ? OptionValues.port("--port", p.value("--port")) : null;
    return new Options(port, p.has("--json"));
  }

  @Override
  public int run(List<String> args, PrintStream out) throws UsageException {
    Options o = parse(args);
    List<TcpSocket> sockets;
    try (TcpProbe probe = TcpProbes.open()) {
      sockets = probe.list(o.query());
    }
    List<ListenerQueues.Listener> listeners = ListenerQueues.of(sockets);
    SocketOwners owners = SocketOwners.scan();
    if (o.json()) {
      JsonLineWriter w = new JsonLineWriter(out);
      for (ListenerQueues.Listener l : listeners) {
        w.write(json(l, owners.own(l.socket())));
      }
      return 0;
    }
    TextTable table =
        new TextTable()
            .addressColumns("Local Address:Port")
            .column("Accept-Q", TextTable.Align.LEFT)
            .column("Backlog", TextTable.Align.LEFT)
            .column("Full", TextTable.Align.LEFT)
            .column("SYN-Recv", TextTable.Align.LEFT)
            .column("Inode", TextTable.Align.LEFT)
            .column("Pid/Process", TextTable.Align.LEFT);
    for (ListenerQueues.Listener l : listeners) {
      TcpSocket s = l.socket();
      table.row(
          AddressFormat.cell(s.family(), s.localAddress(), s.localAddress()),
          AddressFormat.port(s.localPort()),
          Long.toString(s.recvQ()),
          Long.toString(s.sendQ()),
          s.acceptQueueFull() ? "FULL" : "-",
          Integer.toString(l.synRecv()),
          Long.toString(s.inode()),
          owners.own(s).processLabel());
    }
    table.print(out);
    out.flush();
    return 0;
  }

  static JsonObject json(ListenerQueues.Listener l, OwnedSocket owned) {
    TcpSocket s = l.socket();
    return new JsonObject()
        .put("family", SocketJson.family(s.family()))
        .put("address", AddressFormat.plain(s.family(), s.localAddress()))
        .put("port", s.localPort())
        .put("queue_depth", s.recvQ())
        .put("backlog", s.sendQ())
        .put("full", s.acceptQueueFull())
        .put("syn_recv", l.synRecv())
        .put("pid", owned.pid())
        .put("inode", s.inode())
        .put("source", SocketJson.source(s.source()));
  }
}
