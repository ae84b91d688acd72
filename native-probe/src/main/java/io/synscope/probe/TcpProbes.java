package io.synscope.probe;

import io.synscope.probe.linux.NetlinkTcpProbe;
import io.synscope.probe.proc.ProcTcpProbe;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens a {@link TcpProbe}: netlink sock_diag where it works, else the /proc/net/tcp fallback,
 * with one log line per JVM that says why.
 *
 * <p>The system property {@value #PROPERTY} chooses: {@code auto} (the default) as above, {@code
 * netlink} or {@code proc} to force one. It is read on each call to {@link #open()}.
 */
public final class TcpProbes {
  /** The system property that chooses the probe: {@code auto}, {@code netlink} or {@code proc}. */
  public static final String PROPERTY = "synscope.probe";

  private static final System.Logger LOG = System.getLogger(TcpProbes.class.getName());
  private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();

  private TcpProbes() {}

  /**
   * The probe chosen by {@value #PROPERTY}: by default netlink, or /proc when netlink cannot be
   * used (logged once per JVM with the reason).
   *
   * @throws IllegalArgumentException when the property has a value other than auto, netlink, proc
   * @throws NativeCallException when netlink is forced and cannot be opened
   */
  public static TcpProbe open() {
    return open(System.getProperty(PROPERTY));
  }

  /**
   * The probe {@code setting} chooses, as {@link #open()} does with the property's value: for a
   * caller that has its own configuration of the same choice.
   *
   * @param setting {@code auto}, {@code netlink} or {@code proc}, in any case; null for auto
   * @throws IllegalArgumentException when the setting is none of those
   * @throws NativeCallException when netlink is forced and cannot be opened
   */
  public static TcpProbe open(String setting) {
    return open(
        setting,
        NetlinkTcpProbe.isAvailable(),
        NetlinkTcpProbe.unavailabilityCause(),
        FALLBACK_LOGGED);
  }

  /**
   * The choice of {@link #open()} with its inputs passed in.
   *
   * @param setting the property's value, null for the default
   * @param fallbackLogged set once the fallback has been logged
   */
  static TcpProbe open(
      String setting, boolean netlinkAvailable, Throwable cause, AtomicBoolean fallbackLogged) {
    String mode = setting == null ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
    switch (mode) {
      case "netlink":
        return netlink();
      case "proc":
        return proc();
      case "auto":
        if (netlinkAvailable) {
          return netlink();
        }
        if (fallbackLogged.compareAndSet(false, true)) {
          LOG.log(
              System.Logger.Level.WARNING,
              "netlink sock_diag is not available ("
                  + cause
                  + "); reading TCP sockets from /proc/net/tcp and /proc/net/tcp6, without"
                  + " tcp_info and without listener backlogs");
        }
        return proc();
      default:
        throw new IllegalArgumentException(
            PROPERTY + " is '" + setting + "'; expected auto, netlink or proc");
    }
  }

  /**
   * A netlink sock_diag probe.
   *
   * @throws NativeCallException when the netlink socket cannot be opened
   */
  public static TcpProbe netlink() {
    return NetlinkTcpProbe.open();
  }

  /** A probe over this process's {@code /proc/net/tcp} and {@code /proc/net/tcp6}. */
  public static TcpProbe proc() {
    return new ProcTcpProbe();
  }
}
