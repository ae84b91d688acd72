package io.synscope.agent.bootstrap;

import java.io.File;
import java.net.URISyntaxException;
import java.security.CodeSource;

/** Finds the agent jar this code was loaded from. */
final class AgentJar {
  private AgentJar() {}

  static File locate() {
    CodeSource source = AgentJar.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      throw new IllegalStateException("cannot tell which jar the synscope agent was loaded from");
    }
    try {
      File file = new File(source.getLocation().toURI());
      if (!file.isFile()) {
        throw new IllegalStateException(
            "the synscope agent must run from its jar, not from " + file);
      }
      return file;
    } catch (URISyntaxException e) {
      throw new IllegalStateException("bad agent jar location " + source.getLocation(), e);
    }
  }
}
