package io.synscope.agent.kernel;

import io.synscope.agent.AgentLog;
import io.synscope.agent.bootstrap.AgentThread;
import io.synscope.probe.ProbeException;
import io.synscope.probe.TcpInfo;
import io.synscope.probe.linux.SocketNames;
import io.synscope.probe.linux.TcpInfoSockopt;
import io.synscope.probe.proc.TcpSysctls;
import java.lang.instrument.Instrumentation;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Asks the kernel about one of the application's sockets, by its descriptor: {@code struct
 * tcp_info} through getsockopt(TCP_INFO). When that cannot work here (not Linux, JNA unusable, an
 * unexpected JDK), it says so once and answers null from then on, and spans simply come without
 * kernel attributes.
 */
public final class KernelFacts {
  private final SocketDescriptors descriptors;
  private final int synRetransmitsBeforeGivingUp;
  private volatile boolean working;

  private KernelFacts(SocketDescriptors descriptors, boolean working) {
    this.descriptors = descriptors;
    this.working = working;
    this.synRetransmitsBeforeGivingUp = working ? scheduledSynRetransmits() : -1;
  }

  private static int scheduledSynRetransmits() {
    try {
      return TcpSysctls.read().synRetransmitSchedule().retransmits();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /**
   * How many SYNs the kernel sends again before it gives up a connect with ETIMEDOUT, under this
   * network namespace's settings (net.ipv4.tcp_syn_retries, tcp_syn_linear_timeouts) read at
   * start-up; -1 when unknown.
   */
  public int synRetransmitsBeforeGivingUp() {
    return synRetransmitsBeforeGivingUp;
  }

  /**
   * Prepares descriptor access. Whether getsockopt can be called (JNA loads its native library,
   * the JDK allows native access) is found at the first call, not here: loading JNA takes a tenth
   * of a second that the application's start-up need not wait for, and the listener poller's
   * thread has usually loaded it by the time the first connection needs it. An agent thread
   * prepares the faster way to call getsockopt where the JDK has one ({@link
   * TcpInfoSockopt#prepare}); connections until then use JNA.
   */
  public static KernelFacts create(Instrumentation inst) {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      AgentLog.info("not Linux: spans carry no kernel data (tcp_info)");
      return none();
    }
    AgentThread preparing =
        new AgentThread(
            () -> {
              try {
                AgentLog.debug("getsockopt through " + TcpInfoSockopt.prepare());
              } catch (Throwable t) {
                AgentLog.debug("getsockopt through JNA: " + t);
              }
            },
            "synscope-native");
    preparing.start();
    return new KernelFacts(SocketDescriptors.create(inst), true);
  }

  /** Facts without the kernel: spans come without kernel attributes. */
  public static KernelFacts none() {
    return new KernelFacts(null, false);
  }

  /** Descriptor access; null where there is no kernel data to ask for (not Linux). */
  public SocketDescriptors descriptors() {
    return descriptors;
  }

  /**
   * The socket's local address and port, in one getsockname call; null when the kernel cannot be
   * asked here (the caller then asks the JDK, which makes two).
   */
  public InetSocketAddress localAddress(int fd) {
    return ask(fd, SocketNames::local, "getsockname");
  }

  /** The socket's tcp_info now, or null (closed descriptor, or no kernel data here). */
  public TcpInfo tcpInfo(int fd) {
    return ask(fd, TcpInfoSockopt::read, "getsockopt(TCP_INFO)");
  }

  /**
   * One call about a socket: null when the socket closed meanwhile (or is not an IP socket), and
   * when the call cannot be made at all here, one line and no more calls.
   */
  private <T> T ask(int fd, IntFunction<T> call, String name) {
    if (!working || fd < 0) {
      return null;
    }
    try {
      return call.apply(fd);
    } catch (ProbeException e) {
      return null;
    } catch (Throwable t) {
      working = false;
      AgentLog.warn(name + " cannot be called; spans carry no kernel data from now on: " + t);
      return null;
    }
  }
}
