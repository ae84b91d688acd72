package io.synscope.agent.config;

import java.util.Locale;

/**
 * Every synscope option: its key, default, and what it means. Each can be set as an agent argument
 * ({@code -javaagent:synscope-agent.jar=debug=true,trace.accept=false}, with or without the {@code
 * synscope.} prefix), a system property ({@code -Dsynscope.debug=true}) or an environment variable
 * ({@code SYNSCOPE_DEBUG=true}), in that order of precedence.
 */
public enum AgentOption {
  ENABLED("synscope.enabled", OptionType.BOOLEAN, "true", "false turns the agent off entirely"),
  DEBUG(
      "synscope.debug",
      OptionType.BOOLEAN,
      "false",
      "log each instrumented class and print stack traces of internal failures"),
  TRACE_CONNECT(
      "synscope.trace.connect", OptionType.BOOLEAN, "true", "make a tcp.connect span per connect"),
  TRACE_ACCEPT(
      "synscope.trace.accept", OptionType.BOOLEAN, "true", "make a tcp.accept span per accept"),
  TRACE_MIN_DURATION(
      "synscope.trace.min.duration",
      OptionType.OPTIONAL_DURATION,
      "",
      "make tcp.connect and tcp.accept spans only for connections whose connect took, or whose"
          + " wait in the accept queue lasted, at least this long, or that failed or had a"
          + " handshake packet retransmitted (every connection when empty); the meters count"
          + " every connection"),
  CONNECTION_SPANS(
      "synscope.connection.spans",
      OptionType.BOOLEAN,
      "false",
      "also make a tcp.connection span covering each traced connection's whole life"),
  LISTEN_INTERVAL(
      "synscope.listen.interval",
      OptionType.DURATION,
      "1s",
      "how often the process's listening sockets and the stack counters are read"),
  PROMETHEUS_PORT(
      "synscope.prometheus.port",
      OptionType.OPTIONAL_PORT,
      "",
      "serve the metrics for Prometheus on this port at /metrics (off when empty)"),
  PROMETHEUS_HOST(
      "synscope.prometheus.host",
      OptionType.TEXT,
      "127.0.0.1",
      "the address the Prometheus endpoint binds to"),
  PROBE(
      "synscope.probe",
      OptionType.PROBE_SOURCE,
      "auto",
      "where kernel socket tables come from: auto (netlink, else /proc), netlink or proc");

  private final String key;
  private final OptionType type;
  private final String defaultValue;
  private final String description;

  AgentOption(String key, OptionType type, String defaultValue, String description) {
    this.key = key;
    this.type = type;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** The system property name, e.g. {@code synscope.trace.connect}. */
  public String key() {
    return key;
  }

  /** The environment variable name, e.g. {@code SYNSCOPE_TRACE_CONNECT}. */
  public String envName() {
    return key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  public OptionType type() {
    return type;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /** The option for a key with or without the {@code synscope.} prefix, or null. */
  public static AgentOption forKey(String key) {
    String k = key.startsWith("synscope.") ? key : "synscope." + key;
    for (AgentOption o : values()) {
      if (o.key.equals(k)) {
        return o;
      }
    }
    return null;
  }
}
