package io.synscope.agent.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JDKs this machine offers for forked JVMs: the one running the tests, plus JDK 25 installs
 * found where the CI script looks for them, plus any homes listed in the system property {@code
 * synscope.test.java.homes} (separated by the path separator).
 */
public final class Jdks {
  private static final Path JVM_DIR = Path.of("/usr/lib/jvm");
  private static final String[] JDK_25_GLOBS = {"temurin-25-jdk-*", "java-25-*"};
  private static final Pattern JAVA_VERSION = Pattern.compile("^JAVA_VERSION=\"([^\"]+)\"$");

  private Jdks() {}

  /** The JDK running this test. */
  public static Jdk current() {
    Path home = Path.of(System.getProperty("java.home"));
    return new Jdk(Runtime.version().feature(), Runtime.version().toString(), home);
  }

  /** The current JDK first, then every other distinct JDK found. */
  public static List<Jdk> available() {
    Map<Path, Jdk> byRealHome = new LinkedHashMap<>();
    Jdk current = current();
    byRealHome.put(realPath(current.home()), current);
    for (Path home : candidateHomes()) {
      readRelease(home).ifPresent(jdk -> byRealHome.putIfAbsent(realPath(home), jdk));
    }
    return List.copyOf(byRealHome.values());
  }

  /** The first available JDK of a feature release, e.g. {@code withFeature(25)}. */
  public static Optional<Jdk> withFeature(int feature) {
    return available().stream().filter(jdk -> jdk.feature() == feature).findFirst();
  }

  private static List<Path> candidateHomes() {
    List<Path> homes = new ArrayList<>();
    String listed = System.getProperty("synscope.test.java.homes", "");
    for (String home : listed.split(Pattern.quote(File.pathSeparator))) {
      if (!home.isBlank()) {
        homes.add(Path.of(home));
      }
    }
    if (Files.isDirectory(JVM_DIR)) {
      for (String glob : JDK_25_GLOBS) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(JVM_DIR, glob)) {
          dirs.forEach(homes::add);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return homes;
  }

  /** A JDK described by its {@code release} file, if {@code home} holds a runnable java. */
  static Optional<Jdk> readRelease(Path home) {
    Path release = home.resolve("release");
    if (!Files.isExecutable(home.resolve("bin").resolve("java")) || !Files.isRegularFile(release)) {
      return Optional.empty();
    }
    try {
      for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
        Matcher matcher = JAVA_VERSION.matcher(line);
        if (matcher.matches()) {
          String version = matcher.group(1);
          return Optional.of(new Jdk(Runtime.Version.parse(version).feature(), version, home));
        }
      }
      throw new IllegalStateException(release + " has no JAVA_VERSION line");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path.toAbsolutePath().normalize();
    }
  }
}
