package io.synscope.probe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.probe.InetAddressText;
import io.synscope.probe.SocketTimer;
import io.synscope.probe.TcpSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Compares a probe's records with ss's lines, field by field: state, local and remote address and
 * port, recv-q, send-q, inode, uid, timer name and retransmits, and the socket cookie. Sockets
 * change state while two views are read, so the probe is read before and after ss, and the views
 * are compared once both probe readings agree.
 */
public final class SsComparison {
  private SsComparison() {}

  /** One socket as a line of the compared fields. */
  public static String view(TcpSocket s) {
    return line(
        s.state().name(),
        InetAddressText.format(s.localAddress()),
        s.localPort(),
        InetAddressText.format(s.remoteAddress()),
        s.remotePort(),
        s.recvQ(),
        s.sendQ(),
        s.inode(),
        s.uid(),
        s.timer() == SocketTimer.NONE ? null : s.timer().ssName(),
        s.timer() == SocketTimer.NONE ? -1 : s.retransmits(),
        s.cookie());
  }

  /** The same fields of ss's line. */
  public static String view(Ss.Entry e) {
    return line(
        e.state().name(),
        e.localAddress(),
        e.localPort(),
        e.peerAddress(),
        e.peerPort(),
        e.recvQ(),
        e.sendQ(),
        e.inode(),
        e.uid(),
        e.timerName(),
        e.timerRetransmits(),
        e.cookie());
  }

  private static String line(
      String state, String local, int localPort, String remote, int remotePort, long recvQ,
      long sendQ, long inode, long uid, String timer, int retransmits, long cookie) {
    return state + " " + local + ":" + localPort + " " + remote + ":" + remotePort
        + " q=" + recvQ + "/" + sendQ + " ino:" + inode + " uid:" + uid
        + (timer == null ? "" : " timer:(" + timer + "," + retransmits + ")")
        + " sk:" + Long.toHexString(cookie);
  }

  /**
   * Asserts the probe and ss show the same sockets with the same fields.
   *
   * @return the probe's records of the agreeing reading
   */
  public static List<TcpSocket> assertSameAsSs(
      Supplier<List<TcpSocket>> probe, Supplier<List<Ss.Entry>> ss) {
    List<String> lastProbe = null;
    List<String> lastSs = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      List<TcpSocket> before = probe.get();
      List<Ss.Entry> reference = ss.get();
      List<TcpSocket> after = probe.get();
      List<String> beforeView = views(before);
      if (beforeView.equals(views(after))) {
        List<String> ssView = new ArrayList<>();
        reference.forEach(e -> ssView.add(view(e)));
        if (beforeView.stream().sorted().toList().equals(ssView.stream().sorted().toList())) {
          return after;
        }
        lastProbe = beforeView;
        lastSs = ssView;
      }
    }
    assertThat(lastProbe).as("probe view, compared with ss").isNotNull();
    assertThat(lastProbe).containsExactlyInAnyOrderElementsOf(lastSs);
    return List.of();
  }

  private static List<String> views(List<TcpSocket> sockets) {
    List<String> out = new ArrayList<>();
    sockets.forEach(s -> out.add(view(s)));
    return out;
  }
}
