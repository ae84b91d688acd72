package io.synscope.agent.attach;

import io.synscope.agent.attach.Attacher.AttachFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The agent jar as the target JVM will open it. An attach hands the target a path, which the target
 * opens itself, with its own ids and in its own file system: a service's user may not read the
 * operator's jar (in a home directory of mode 0700, say), and a service with a private {@code
 * /tmp}, or in a container, may see another file, or none, under the same path. When the target
 * cannot open this jar, a copy goes into the target's temporary directory, written through {@code
 * /proc/PID/root} and readable by every user (the jar holds no secrets; a fresh file name, so no
 * jar another JVM has open is overwritten).
 */
final class TargetAgentJar {
  private final String pathInTarget;
  private final Path copy;
  private final String note;

  private TargetAgentJar(String pathInTarget, Path copy, String note) {
    this.pathInTarget = pathInTarget;
    this.copy = copy;
    this.note = note;
  }

  /**
   * The jar for process {@code pid}: {@code jar} itself where the process can open it, else a copy
   * in {@code targetTmpDir} (its {@code java.io.tmpdir}).
   *
   * @throws AttachFailedException when the process cannot open the jar and no copy can be made
   */
  static TargetAgentJar forTarget(long pid, Path jar, String targetTmpDir) {
    Path real;
    try {
      real = jar.toRealPath();
    } catch (IOException e) {
      throw new AttachFailedException("cannot read the agent jar " + jar + ": " + e);
    }
    String unreadable = whyUnreadable(pid, real);
    if (unreadable == null) {
      return new TargetAgentJar(real.toString(), null, null);
    }
    Path tmpInTarget = Path.of(targetTmpDir);
    // A relative java.io.tmpdir is the target's own business: relative to its working directory.
    Path dir =
        tmpInTarget.isAbsolute()
            ? Path.of("/proc", Long.toString(pid), "root").resolve(relative(tmpInTarget))
            : Path.of("/proc", Long.toString(pid), "cwd").resolve(tmpInTarget);
    Path copy = null;
    try {
      copy = Files.createTempFile(dir, "synscope-agent-", ".jar");
      Files.copy(real, copy, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (IOException | UnsupportedOperationException e) {
      deleteQuietly(copy);
      throw new AttachFailedException(
          "pid "
              + pid
              + " cannot open the agent jar ("
              + unreadable
              + "), and a copy could not be written to "
              + targetTmpDir
              + " in its file system: "
              + e);
    }
    String inTarget = tmpInTarget.resolve(copy.getFileName()).toString();
    return new TargetAgentJar(
        inTarget,
        copy,
        "pid "
            + pid
            + " cannot open "
            + real
            + " ("
            + unreadable
            + "); it loads a copy, "
            + inTarget
            + " in its file system");
  }

  /**
   * Why process {@code pid} cannot open {@code real}, or null when it can, or when that cannot be
   * told (its files are not ours to look at: the attach itself then says what is wrong).
   */
  static String whyUnreadable(long pid, Path real) {
    Path seen = Path.of("/proc/" + pid + "/root").resolve(relative(real));
    try {
      if (!Files.isSameFile(seen, real)) {
        return "its file system has another file at that path";
      }
      FileAccessIds ids = ProcessStatus.of(pid).accessIds();
      if (!ids.canRead(real)) {
        return "its user, uid " + ids.uid() + ", may not read it";
      }
      return null;
    } catch (NoSuchFileException e) {
      return "its file system has no file at that path";
    } catch (IOException e) {
      return null;
    }
  }

  private static Path relative(Path absolute) {
    return absolute.getRoot() == null ? absolute : absolute.getRoot().relativize(absolute);
  }

  /** The path to give the target's {@code loadAgent}. */
  String pathInTarget() {
    return pathInTarget;
  }

  /** Where the copy went and why, when there is one. */
  Optional<String> note() {
    return Optional.ofNullable(note);
  }

  /** Removes the copy, if any: for a load that failed before the target opened it. */
  void discard() {
    deleteQuietly(copy);
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a file left in a temporary directory; the failure being reported matters more
    }
  }
}
