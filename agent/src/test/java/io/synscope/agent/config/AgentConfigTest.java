package io.synscope.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
  private static Properties props(String... keyValues) {
    Properties p = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return p;
  }

  @Test
  void theAgentArgumentWinsOverTheSystemPropertyWhichWinsOverTheEnvironment() {
    AgentConfig c =
        AgentConfig.resolve(
            "synscope.listen.interval=250ms",
            props("synscope.listen.interval", "2s", "synscope.trace.accept", "false"),
            Map.of(
                "SYNSCOPE_LISTEN_INTERVAL", "3s",
                "SYNSCOPE_TRACE_ACCEPT", "true",
                "SYNSCOPE_PROMETHEUS_PORT", "9464"));

    assertThat(c.getDuration(AgentOption.LISTEN_INTERVAL)).isEqualTo(Duration.ofMillis(250));
    assertThat(c.getBoolean(AgentOption.TRACE_ACCEPT)).isFalse();
    assertThat(c.getInt(AgentOption.PROMETHEUS_PORT)).isEqualTo(9464);
    assertThat(c.problems()).isEmpty();
  }

  @Test
  void aBadValueKeepsTheDefaultAndNamesTheOptionTheValueAndTheDefault() {
    AgentConfig c =
        AgentConfig.resolve(
            "synscope.listen.interval=-5s",
            props("synscope.prometheus.port", "99999"),
            Map.of("SYNSCOPE_PROBE", "ebpf", "SYNSCOPE_ENABLED", "yes"));

    assertThat(c.getDuration(AgentOption.LISTEN_INTERVAL)).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.getInt(AgentOption.PROMETHEUS_PORT)).isEqualTo(-1);
    assertThat(c.getText(AgentOption.PROBE)).isEqualTo("auto");
    assertThat(c.getBoolean(AgentOption.ENABLED)).isTrue();
    assertThat(c.problems())
        .containsExactlyInAnyOrder(
            "bad value for agent argument synscope.listen.interval: '-5s' (expected a duration"
                + " such as 500ms, 1s or 2m); using the default 1s",
            "bad value for -Dsynscope.prometheus.port: '99999' (expected a port number 1..65535,"
                + " or empty for off); using the default (off)",
            "bad value for SYNSCOPE_PROBE: 'ebpf' (expected auto, netlink or proc); using the"
                + " default auto",
            "bad value for SYNSCOPE_ENABLED: 'yes' (expected true or false); using the default"
                + " true");
  }

  @Test
  void theSpanThresholdIsOffWhenEmptyAndADurationOtherwise() {
    assertThat(AgentConfig.defaults().getDuration(AgentOption.TRACE_MIN_DURATION))
        .isEqualTo(Duration.ZERO);
    AgentConfig set =
        AgentConfig.resolve(
            "trace.min.duration=250ms",
            props("synscope.trace.min.duration", "1s"),
            Map.of("SYNSCOPE_TRACE_MIN_DURATION", "2s"));
    assertThat(set.getDuration(AgentOption.TRACE_MIN_DURATION)).isEqualTo(Duration.ofMillis(250));
    assertThat(set.problems()).isEmpty();

    AgentConfig bad =
        AgentConfig.resolve(null, new Properties(), Map.of("SYNSCOPE_TRACE_MIN_DURATION", "0ms"));
    assertThat(bad.getDuration(AgentOption.TRACE_MIN_DURATION)).isEqualTo(Duration.ZERO);
    assertThat(bad.problems())
        .containsExactly(
            "bad value for SYNSCOPE_TRACE_MIN_DURATION: '0ms' (expected a duration such as 10ms"
                + " or 1s, or empty for none); using the default (off)");
  }

  @Test
  void theProbeSourceIsReadWhateverItsCase() {
    AgentConfig c = AgentConfig.resolve("synscope.probe=PROC", new Properties(), Map.of());

    assertThat(c.getText(AgentOption.PROBE)).isEqualTo("proc");
    assertThat(c.problems()).isEmpty();
  }

  @Test
  void malformedAndUnknownArgumentsAreIgnoredWithALineEachAndOtelKeysPassThrough() {
    AgentConfig c =
        AgentConfig.resolve(
            "foo,synscope.nope=1,,otel.service.name=checkout, synscope.debug = true",
            props("synscope.typo", "1"),
            Map.of());

    assertThat(c.getBoolean(AgentOption.DEBUG)).isTrue();
    assertThat(c.otelOverrides()).containsExactly(Map.entry("otel.service.name", "checkout"));
    assertThat(c.problems())
        .containsExactly(
            "agent argument 'foo' is not key=value; ignored",
            "unknown option 'synscope.nope' in the agent argument; ignored",
            "unknown option -Dsynscope.typo; ignored");
  }
}
