package io.synscope.agent.cli;

import io.synscope.probe.IpFamily;
import io.synscope.probe.SocketQuery;
import io.synscope.probe.TcpProbe;
import io.synscope.probe.TcpProbes;
import io.synscope.probe.TcpSocket;
import io.synscope.probe.TcpState;
import io.synscope.probe.proc.SocketOwnership;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** {@code sockets}: the TCP sockets, like {@code ss -tan}, with owners and optionally tcp_info. */
final class SocketsCommand implements Command {

  /** The parsed options; null or empty where not given. */
  record Options(
      Set<TcpState> states, Integer port, Long pid, boolean info, boolean json, boolean ipv4,
      boolean ipv6) {

    SocketQuery query(long[] pidInodes) {
      SocketQuery.Builder b = SocketQuery.builder().withInfo(info);
      if (!states.isEmpty()) {
        b.states(states);
      }
      if (port != null) {
        b.port(port);
      }
      if (ipv4 != ipv6) {
        b.families(ipv4 ? IpFamily.IPV4 : IpFamily.IPV6);
      }
      if (pidInodes != null) {
        b.inodes(pidInodes);
      }
      return b.build();
    }
  }

  @Override
  public String name() {
    return "sockets";
  }

  @Override
  public String summary() {
    return "list TCP sockets like ss -tan, with owning process and optional tcp_info";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "Usage: java -jar synscope-agent.jar sockets [options]",
        "",
        "Lists the TCP sockets of this network namespace, like ss -tan, with inode, uid and the",
        "owning process where this user can see it.",
        "",
        "Options:",
        "  --state STATE   only sockets in STATE; repeatable or comma-separated; ss spellings:",
        "                  established, syn-sent, syn-recv, fin-wait-1, fin-wait-2, time-wait,",
        "                  closed, close-wait, last-ack, listening, closing; and the groups",
        "                  all, connected, synchronized, bucket, big",
        "  --port PORT     only sockets with PORT as local or remote port (0..65535)",
        "  --pid PID       only the sockets that process PID holds open",
        "  --info          add tcp_info, congestion control and socket memory on a second line,",
        "                  as ss -i -m -o shows them",
        "  --json          one JSON object per socket and line",
        "  -4, --ipv4      only IPv4 sockets",
        "  -6, --ipv6      only IPv6 sockets",
        "  -h, --help      show this help");
  }

  static Options parse(List<String> args) throws UsageException {
    ArgumentParser.Parsed p =
        new ArgumentParser()
            .repeatableValue("--state")
            .value("--port")
            .value("--pid")
            .flag("--info")
            .flag("--json")
            .flag("--ipv4", "-4")
            .flag("--ipv6", "-6")
            .parse(args);
    Set<TcpState> states = EnumSet.noneOf(TcpState.class);
    for (String v : p.values("--state")) {
      states.addAll(OptionValues.states("--state", v));
    }
    Integer port = p.has("--port") ? OptionValues.port("--port", p.value("--port")) : null;
    Long pid = p.has("--pid") ? OptionValues.pid("--pid", p.value("--pid")) : null;
    return new Options(
        states, port, pid, p.has("--info"), p.has("--json"), p.has("--ipv4"), p.has("--ipv6"));
  }

  @Override
  public int run(List<String> args, PrintStream out) throws UsageException {
    Options o = parse(args);
    long[] pidInodes = o.pid() == null ? null : SocketOwnership.socketInodes(o.pid());
    List<TcpSocket> sockets;
    try (TcpProbe probe = TcpProbes.open()) {
      sockets = probe.list(o.query(pidInodes));
    }
    SocketOwners owners =
        pidInodes != null ? SocketOwners.ofProcess(o.pid(), pidInodes) : SocketOwners.scan();
    List<OwnedSocket> owned = new ArrayList<>(sockets.size());
    for (TcpSocket s : sockets) {
      owned.add(owners.own(s));
    }
    if (o.json()) {
      JsonLineWriter w = new JsonLineWriter(out);
      for (OwnedSocket s : owned) {
        w.write(SocketJson.of(s, o.info()));
      }
    } else {
      for (String line : SocketTable.lines(owned, o.info())) {
        out.println(line);
      }
      out.flush();
    }
    return 0;
  }
}
