package io.synscope.agent.attach;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HotSpotAttachTest {
  @Test
  void theLastSettingOfDisableAttachMechanismWins() {
    assertThat(HotSpotAttach.attachDisabled(List.of("java", "-cp", "app.jar", "Main"))).isFalse();
    assertThat(HotSpotAttach.attachDisabled(List.of("java", "-XX:+DisableAttachMechanism", "Main")))
        .isTrue();
    assertThat(
            HotSpotAttach.attachDisabled(
                List.of("-XX:+DisableAttachMechanism", "java", "-XX:-DisableAttachMechanism")))
        .isFalse();
    assertThat(
            HotSpotAttach.attachDisabled(
                List.of("-XX:-DisableAttachMechanism", "java", "-XX:+DisableAttachMechanism")))
        .isTrue();
  }

  /** This JVM was started without the flag: its own options, read from /proc, say so. */
  @Test
  void thisJvmTakesAgents() {
    assertThat(HotSpotAttach.attachDisabled(ProcessHandle.current().pid())).isFalse();
  }
}
