package io.synscope.agent.cli;

import io.synscope.probe.TcpSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code sockets} table: ss -tan's columns plus inode, uid and owner, and with info a second,
 * tab-indented line per socket as {@code ss -i -m} prints it.
 */
final class SocketTable {
  private SocketTable() {}

  static List<String> lines(List<OwnedSocket> sockets, boolean withInfo) {
    TextTable table =
        new TextTable()
            .column("State", TextTable.Align.LEFT)
            .column("Recv-Q", TextTable.Align.LEFT)
            .column("Send-Q", TextTable.Align.LEFT)
            .addressColumns("Local Address:Port")
            .addressColumns("Peer Address:Port")
            .column("Inode", TextTable.Align.LEFT)
            .column("Uid", TextTable.Align.LEFT)
            .column("Pid/Process", TextTable.Align.LEFT);
    for (OwnedSocket o : sockets) {
      TcpSocket s = o.socket();
      table.row(
          StateNames.ss(s.state()),
          Long.toString(s.recvQ()),
          Long.toString(s.sendQ()),
          AddressFormat.cell(s.family(), s.localAddress(), s.localAddress()),
          AddressFormat.port(s.localPort()),
          AddressFormat.cell(s.family(), s.remoteAddress(), s.localAddress()),
          AddressFormat.port(s.remotePort()),
          Long.toString(s.inode()),
          Long.toString(s.uid()),
          o.processLabel());
    }
    List<String> lines = table.lines();
    if (!withInfo) {
      return lines;
    }
    List<String> out = new ArrayList<>(lines.size() * 2);
    out.add(lines.get(0));
    for (int i = 0; i < sockets.size(); i++) {
      out.add(lines.get(i + 1));
      out.add("\t " + InfoLine.of(sockets.get(i).socket()));
    }
    return out;
  }
}
