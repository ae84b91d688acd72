package io.synscope.probe.proc;

import io.synscope.probe.MalformedDataException;
import io.synscope.probe.ProbeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The kernel settings that shape SYN and accept queues and the SYN retransmit schedule, read from
 * {@code /proc/sys} (described in the kernel's {@code Documentation/networking/ip-sysctl.rst}).
 * Immutable; a setting this kernel lacks (such as {@code net.ipv4.tcp_syn_linear_timeouts} before
 * 6.5) is empty, never a default.
 */
public final class TcpSysctls {
  /** {@code net.core.somaxconn}: the cap on listen()'s backlog. */
  public static final String SOMAXCONN = "net.core.somaxconn";
  /** {@code net.ipv4.tcp_max_syn_backlog}: the SYN queue's limit per listener. */
  public static final String TCP_MAX_SYN_BACKLOG = "net.ipv4.tcp_max_syn_backlog";
  /** {@code net.ipv4.tcp_syn_retries}: SYN retransmits of connect() (beyond the linear ones). */
  public static final String TCP_SYN_RETRIES = "net.ipv4.tcp_syn_retries";
  /** {@code net.ipv4.tcp_synack_retries}: SYN-ACK retransmits of a listener. */
  public static final String TCP_SYNACK_RETRIES = "net.ipv4.tcp_synack_retries";
  /** {@code net.ipv4.tcp_syn_linear_timeouts}: SYN retransmits before the backoff doubles. */
  public static final String TCP_SYN_LINEAR_TIMEOUTS = "net.ipv4.tcp_syn_linear_timeouts";
  /** {@code net.ipv4.tcp_syncookies}: 0 off, 1 when the SYN queue overflows, 2 always. */
  public static final String TCP_SYNCOOKIES = "net.ipv4.tcp_syncookies";
  /** {@code net.ipv4.tcp_abort_on_overflow}: 1 resets connections a full accept queue drops. */
  public static final String TCP_ABORT_ON_OVERFLOW = "net.ipv4.tcp_abort_on_overflow";
  /** {@code net.ipv4.tcp_rto_max_ms}: the retransmission timeout's ceiling (kernel 6.15+). */
  public static final String TCP_RTO_MAX_MS = "net.ipv4.tcp_rto_max_ms";

  /** Every key this class reads, in order. */
  public static final List<String> KEYS =
      List.of(
          SOMAXCONN,
          TCP_MAX_SYN_BACKLOG,
          TCP_SYN_RETRIES,
          TCP_SYNACK_RETRIES,
          TCP_SYN_LINEAR_TIMEOUTS,
          TCP_SYNCOOKIES,
          TCP_ABORT_ON_OVERFLOW,
          TCP_RTO_MAX_MS);

  /** {@code TCP_TIMEOUT_INIT} ({@code include/net/tcp.h}): the first SYN's timeout, 1 s. */
  public static final long INITIAL_RTO_MILLIS = 1000;

  /** {@code TCP_RTO_MAX} ({@code include/net/tcp.h}): 120 s, the ceiling before 6.15. */
  public static final long DEFAULT_RTO_MAX_MILLIS = 120_000;

  private final Map<String, Integer> values;

  private TcpSysctls(Map<String, Integer> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** Reads the settings of this process's network namespace from {@code /proc/sys}. */
  public static TcpSysctls read() {
    return read(Paths.get("/proc/sys"));
  }

  /**
   * Reads the settings below {@code sysRoot}, where {@code net.core.somaxconn} is the file {@code
   * net/core/somaxconn}.
   *
   * @throws ProbeException when a setting's file exists but cannot be read
   * @throws MalformedDataException when a setting's file does not hold one integer
   */
  public static TcpSysctls read(Path sysRoot) {
    Map<String, String> texts = new LinkedHashMap<>();
    for (String key : KEYS) {
      Path file = sysRoot.resolve(key.replace('.', '/'));
      try {
        texts.put(key, ProcFiles.read(file));
      } catch (NoSuchFileException e) {
        // This kernel does not have the setting.
      } catch (IOException e) {
        throw new ProbeException("cannot read " + file + ": " + e, e);
      }
    }
    return parse(texts);
  }

  /**
   * Parses settings' file contents by key; keys left out are settings the kernel lacks.
   *
   * @throws MalformedDataException naming the key and the text when a value is not one integer
   */
  static TcpSysctls parse(Map<String, String> textByKey) {
    Map<String, Integer> values = new LinkedHashMap<>();
    textByKey.forEach(
        (key, text) -> {
          String t = text.strip();
          try {
            values.put(key, Integer.parseInt(t));
          } catch (NumberFormatException e) {
            String shown = t.length() > 40 ? t.substring(0, 40) + "..." : t;
            throw new MalformedDataException(
                "sysctl " + key + " holds '" + shown + "', not one decimal integer");
          }
        });
    return new TcpSysctls(values);
  }

  /** A setting by its sysctl name, e.g. {@code net.core.somaxconn}. */
  public OptionalInt get(String key) {
    Integer v = values.get(key);
    return v == null ? OptionalInt.empty() : OptionalInt.of(v);
  }

  public OptionalInt somaxconn() {
    return get(SOMAXCONN);
  }

  public OptionalInt tcpMaxSynBacklog() {
    return get(TCP_MAX_SYN_BACKLOG);
  }

  public OptionalInt tcpSynRetries() {
    return get(TCP_SYN_RETRIES);
  }

  public OptionalInt tcpSynackRetries() {
    return get(TCP_SYNACK_RETRIES);
  }

  /** Empty before kernel 6.5, whose SYN backoff always doubles. */
  public OptionalInt tcpSynLinearTimeouts() {
    return get(TCP_SYN_LINEAR_TIMEOUTS);
  }

  public OptionalInt tcpSyncookies() {
    return get(TCP_SYNCOOKIES);
  }

  public OptionalInt tcpAbortOnOverflow() {
    return get(TCP_ABORT_ON_OVERFLOW);
  }

  /** Empty before kernel 6.15, whose ceiling is the fixed {@link #DEFAULT_RTO_MAX_MILLIS}. */
  public OptionalInt tcpRtoMaxMillis() {
    return get(TCP_RTO_MAX_MS);
  }

  /** Every setting read, by key, in {@link #KEYS} order; unmodifiable. */
  public Map<String, Integer> asMap() {
    return values;
  }

  /**
   * When connect() retransmits its SYN and gives up under these settings, for a socket without
   * TCP_SYNCNT or TCP_USER_TIMEOUT and the initial timeout of {@link #INITIAL_RTO_MILLIS}.
   *
   * @throws IllegalStateException when {@code net.ipv4.tcp_syn_retries} could not be read
   */
  public SynRetransmitSchedule synRetransmitSchedule() {
    int synRetries =
        tcpSynRetries()
            .orElseThrow(() -> new IllegalStateException(TCP_SYN_RETRIES + " was not read"));
    return SynRetransmitSchedule.compute(
        synRetries,
        tcpSynLinearTimeouts().orElse(0),
        INITIAL_RTO_MILLIS,
        tcpRtoMaxMillis().isPresent() ? tcpRtoMaxMillis().getAsInt() : DEFAULT_RTO_MAX_MILLIS);
  }

  @Override
  public String toString() {
    return "TcpSysctls" + values;
  }
}
