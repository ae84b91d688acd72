package io.synscope.agent.attach;

import io.synscope.agent.bootstrap.AgentMain;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Loads the agent into a running JVM by pid (HotSpot's attach listener), the late-attach twin of
 * {@code -javaagent}. The target then runs {@code agentmain}: new connections are traced from that
 * moment, socket classes already loaded are retransformed.
 */
public final class Attacher {
  private Attacher() {}

  /**
   * Attaches the agent jar to the JVM with the given pid.
   *
   * @param options the agent argument, as after {@code -javaagent:synscope-agent.jar=} (may be
   *     null)
   * @return what the operator should know besides: where the target loads a copy of the jar from,
   *     when it could not open this one
   * @throws AttachFailedException with a message saying what went wrong and what to check
   */
  public static Optional<String> attach(long pid, File agentJar, String options) {
    if (ProcessHandle.current().pid() == pid) {
      throw new AttachFailedException("refusing to attach to this very process (" + pid + ")");
    }
    Optional<ProcessHandle> target = ProcessHandle.of(pid);
    if (target.isEmpty()) {
      throw new AttachFailedException("no process with pid " + pid);
    }
    if (isNotAJvm(pid)) {
      throw new AttachFailedException(
          "pid "
              + pid
              + " is not a Java virtual machine ("
              + target.get().info().command().orElse("its command unknown")
              + ": no libjvm.so among its mappings)");
    }
    HotSpotAttach vm;
    Properties properties;
    try {
      vm = HotSpotAttach.open(pid);
      properties = vm.systemProperties();
    } catch (IOException e) {
      throw new AttachFailedException("cannot attach to pid " + pid + ": " + e.getMessage());
    }
    if (Boolean.parseBoolean(properties.getProperty(AgentMain.STARTED_PROPERTY))) {
      throw new AttachFailedException(
          "synscope is already running in pid "
              + pid
              + " (from its start or an earlier attach); nothing loaded, and options given now"
              + " do not apply");
    }
    TargetAgentJar jar =
        TargetAgentJar.forTarget(
            pid, agentJar.toPath(), properties.getProperty("java.io.tmpdir", "/tmp"));
    try {
      vm.loadAgent(jar.pathInTarget(), options);
      return jar.note();
    } catch (HotSpotAttach.LoadFailedException e) {
      if (!e.agentStarted()) {
        jar.discard();
      }
      throw new AttachFailedException(e.getMessage());
    } catch (IOException e) {
      throw new AttachFailedException(
          "loading the agent into pid " + pid + " failed: " + e.getMessage());
    }
  }

  /**
   * True when the process's memory map can be read and holds no HotSpot library: the JDK's attach
   * would otherwise wait ten seconds for an answer that never comes. False where the map cannot be
   * read (not Linux, another user's process): the attach then says for itself what went wrong.
   */
  private static boolean isNotAJvm(long pid) {
    Path maps = Paths.get("/proc", Long.toString(pid), "maps");
    try (Stream<String> lines = Files.lines(maps, StandardCharsets.ISO_8859_1)) {
      // contains, not endsWith: a JVM whose JDK was upgraded on disk maps "libjvm.so (deleted)"
      return lines.noneMatch(line -> line.contains("/libjvm.so"));
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }

  /** Why an attach did not happen, in one line. */
  public static final class AttachFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AttachFailedException(String message) {
      super(message);
    }
  }
}
