package io.synscope.agent.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The agent's configuration, resolved once at start-up and passed to whoever needs it. Precedence:
 * agent argument, then system property, then environment variable, then the default. A bad value
 * never stops the application: the option keeps its default and {@link #problems()} holds one line
 * that names the option, the value and what happened.
 *
 * <p>{@code otel.*} keys in the agent argument are kept apart ({@link #otelOverrides()}) and handed
 * to the OpenTelemetry SDK's autoconfiguration, above its own system properties and environment.
 */
public final class AgentConfig {
  private final Map<AgentOption, Object> values;
  private final Map<String, String> otelOverrides;
  private final List<String> problems;

  private AgentConfig(
      Map<AgentOption, Object> values, Map<String, String> otelOverrides, List<String> problems) {
    this.values = values;
    this.otelOverrides = Collections.unmodifiableMap(otelOverrides);
    this.problems = Collections.unmodifiableList(problems);
  }

  /** The defaults alone. */
  public static AgentConfig defaults() {
    return resolve(null, new Properties(), Map.of());
  }

  /**
   * Resolves the configuration.
   *
   * @param agentArgs the {@code -javaagent} argument: {@code key=value} pairs separated by commas
   *     (may be null)
   */
  public static AgentConfig resolve(String agentArgs, Properties sysProps, Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    Map<String, String> args = new LinkedHashMap<>();
    Map<String, String> otel = new LinkedHashMap<>();
    if (agentArgs != null && !agentArgs.isBlank()) {
      for (String pair : agentArgs.split(",")) {
        if (pair.isBlank()) {
          continue;
        }
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          problems.add("agent argument '" + pair.trim() + "' is not key=value; ignored");
          continue;
        }
        String key = pair.substring(0, eq).trim();
        String value = pair.substring(eq + 1).trim();
        if (key.startsWith("otel.")) {
          otel.put(key, value);
        } else if (AgentOption.forKey(key) == null) {
          problems.add("unknown option '" + key + "' in the agent argument; ignored");
        } else {
          args.put(AgentOption.forKey(key).key(), value);
        }
      }
    }
    for (String name : sysProps.stringPropertyNames()) {
      if (name.startsWith("synscope.")
          && AgentOption.forKey(name) == null
          && !name.startsWith("synscope.agent.")) {
        problems.add("unknown option -D" + name + "; ignored");
      }
    }
    Map<AgentOption, Object> values = new EnumMap<>(AgentOption.class);
    for (AgentOption o : AgentOption.values()) {
      String source;
      String text;
      if (args.containsKey(o.key())) {
        source = "agent argument " + o.key();
        text = args.get(o.key());
      } else if (sysProps.getProperty(o.key()) != null) {
        source = "-D" + o.key();
        text = sysProps.getProperty(o.key());
      } else if (env.get(o.envName()) != null) {
        source = o.envName();
        text = env.get(o.envName());
      } else {
        values.put(o, o.type().parse(o.defaultValue()));
        continue;
      }
      try {
        values.put(o, o.type().parse(text));
      } catch (RuntimeException e) {
        problems.add(
            "bad value for "
                + source
                + ": '"
                + text
                + "' (expected "
                + o.type().expected()
                + "); using the default "
                + (o.defaultValue().isEmpty() ? "(off)" : o.defaultValue()));
        values.put(o, o.type().parse(o.defaultValue()));
      }
    }
    return new AgentConfig(values, otel, problems);
  }

  public boolean getBoolean(AgentOption o) {
    return (Boolean) values.get(o);
  }

  public int getInt(AgentOption o) {
    return (Integer) values.get(o);
  }

  public Duration getDuration(AgentOption o) {
    return (Duration) values.get(o);
  }

  public String getText(AgentOption o) {
    return (String) values.get(o);
  }

  /** {@code otel.*} settings given in the agent argument. */
  public Map<String, String> otelOverrides() {
    return otelOverrides;
  }

  /** One line per rejected or unknown setting, to be logged once. */
  public List<String> problems() {
    return problems;
  }
}
