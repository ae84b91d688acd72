package io.synscope.agent.cli;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.security.CodeSource;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/** The version the agent jar's manifest declares (Implementation-Version). */
final class Version {
  private Version() {}

  /** The version, or null when not running from the agent jar (e.g. from a build's classes). */
  static String fromManifest() {
    CodeSource source = Version.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return null;
    }
    File file;
    try {
      file = new File(source.getLocation().toURI());
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
    if (!file.isFile()) {
      return null;
    }
    try (JarFile jar = new JarFile(file, false)) {
      Manifest manifest = jar.getManifest();
      return manifest == null
          ? null
          : manifest.getMainAttributes().getValue("Implementation-Version");
    } catch (IOException e) {
      return null;
    }
  }
}
