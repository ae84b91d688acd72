package io.synscope.probe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.synscope.probe.DataSource;
import io.synscope.probe.InetAddressText;
import io.synscope.probe.SocketTimer;
import io.synscope.probe.TcpSocket;
import io.synscope.probe.TcpState;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Compares a probe's records with ss's lines, or the /proc probe's records with the netlink
 * probe's, field by field: state, local and remote address and port, recv-q, send-q, inode, uid,
 * timer name and retransmits, and the socket cookie.
 *
 * <p>What a source does not carry is left out of the comparison, and only that: a {@link
 * DataSource#PROC} record has no cookie (-1) and no listener backlog (send-q -1, see {@link
 * TcpSocket}), so the reference is compared with those two fields set to -1 as well.
 *
 * <p>Sockets change state while two views are read, so the probe is read before and after the
 * reference, and the views are compared once both probe readings agree.
 */
public final class SsComparison {
  private static final int ATTEMPTS = 20;

  private SsComparison() {}

  /** Three readings in which the probe's two agreed with each other and with the reference. */
  public record Reading<T>(List<TcpSocket> before, List<T> reference, List<TcpSocket> after) {}

  /** One socket as a line of the compared fields, as the record carries them. */
  public static String view(TcpSocket s) {
    return view(s, s.source());
  }

  /** One socket as a line of the fields that a record from {@code source} carries. */
  public static String view(TcpSocket s, DataSource source) {
    return line(
        source,
        s.state(),
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

  /** The same fields of ss's line, as far as a record from {@code source} carries them. */
  public static String view(Ss.Entry e, DataSource source) {
    return line(
        source,
        e.state(),
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
      DataSource source, TcpState state, String local, int localPort, String remote,
      int remotePort, long recvQ, long sendQ, long inode, long uid, String timer, int retransmits,
      long cookie) {
    if (source == DataSource.PROC) {
      cookie = -1;
      if (state == TcpState.LISTEN) {
        sendQ = -1;
      }
    }
    return state + " " + local + ":" + localPort + " " + remote + ":" + remotePort
        + " q=" + recvQ + "/" + sendQ + " ino:" + inode + " uid:" + uid
        + (timer == null ? "" : " timer:(" + timer + "," + retransmits + ")")
        + " sk:" + (cookie < 0 ? "none" : Long.toHexString(cookie));
  }

  /**
   * Asserts the netlink probe and ss show the same sockets with the same fields.
   *
   * @return the probe's records of the agreeing reading
   */
  public static List<TcpSocket> assertSameAsSs(
      Supplier<List<TcpSocket>> probe, Supplier<List<Ss.Entry>> ss) {
    return assertSameAsSs(DataSource.NETLINK, probe, ss);
  }

  /**
   * Asserts a probe whose records come from {@code source} and ss show the same sockets with the
   * same fields, as far as that source carries them.
   *
   * @return the probe's records of the agreeing reading
   */
  public static List<TcpSocket> assertSameAsSs(
      DataSource source, Supplier<List<TcpSocket>> probe, Supplier<List<Ss.Entry>> ss) {
    return agreeingReading(probe, ss, e -> view(e, source)).after();
  }

  /**
   * Asserts the /proc probe shows the same sockets as the netlink probe with the same fields, as
   * far as /proc carries them. The netlink probe is read before and after /proc.
   */
  public static Reading<TcpSocket> assertProcAgreesWithNetlink(
      Supplier<List<TcpSocket>> netlink, Supplier<List<TcpSocket>> proc) {
    return agreeingReading(netlink, proc, SsComparison::view, s -> view(s, DataSource.PROC));
  }

  /** How many of the sockets are in each state. */
  public static Map<TcpState, Integer> countStates(List<TcpSocket> sockets) {
    Map<TcpState, Integer> counts = new TreeMap<>();
    sockets.forEach(s -> counts.merge(s.state(), 1, Integer::sum));
    return counts;
  }

  private static <T> Reading<T> agreeingReading(
      Supplier<List<TcpSocket>> probe, Supplier<List<T>> reference, Function<T, String> view) {
    return agreeingReading(probe, reference, view, SsComparison::view);
  }

  /**
   * Reads the probe, the reference, the probe again, until both probe readings agree and their
   * views ({@code probeView}) are the reference's views, in any order; asserts that they are.
   */
  private static <T> Reading<T> agreeingReading(
      Supplier<List<TcpSocket>> probe,
      Supplier<List<T>> reference,
      Function<T, String> referenceView,
      Function<TcpSocket, String> probeView) {
    List<String> lastProbe = null;
    List<String> lastReference = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      List<TcpSocket> before = probe.get();
      List<T> ref = reference.get();
      List<TcpSocket> after = probe.get();
      List<String> beforeView = before.stream().map(probeView).sorted().toList();
      if (beforeView.equals(after.stream().map(probeView).sorted().toList())) {
        List<String> refView = ref.stream().map(referenceView).sorted().toList();
        if (beforeView.equals(refView)) {
          return new Reading<>(before, ref, after);
        }
        lastProbe = beforeView;
        lastReference = refView;
      }
    }
    assertThat(lastProbe).as("a probe view whose two readings agreed").isNotNull();
    assertThat(lastProbe).as("probe view, compared with the reference")
        .containsExactlyInAnyOrderElementsOf(lastReference);
    throw new AssertionError("unreachable: the views differ but the assertion passed");
  }
}
