package io.synscope.agent.attach;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import io.synscope.agent.bootstrap.AgentMain;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Loads the agent into a running JVM by pid (the JDK's attach API), the late-attach twin of
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
   * @throws AttachFailedException with a message saying what went wrong and what to check
   */
  public static void attach(long pid, File agentJar, String options) {
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
    VirtualMachine vm;
    try {
      vm = VirtualMachine.attach(Long.toString(pid));
    } catch (AttachNotSupportedException | IOException e) {
      throw new AttachFailedException(
          "cannot attach to pid "
              + pid
              + " ("
              + e.getMessage()
              + "); is it a JVM running as the same user, started without"
              + " -XX:+DisableAttachMechanism?");
    }
    try {
      if (Boolean.parseBoolean(vm.getSystemProperties().getProperty(AgentMain.STARTED_PROPERTY))) {
        throw new AttachFailedException(
            "synscope is already running in pid "
                + pid
                + " (from its start or an earlier attach); nothing loaded, and options given now"
                + " do not apply");
      }
      vm.loadAgent(agentJar.getAbsolutePath(), options);
    } catch (AgentLoadException | AgentInitializationException e) {
      throw new AttachFailedException("the agent failed to start in pid " + pid + ": " + e.getMessage());
    } catch (IOException e) {
      throw new AttachFailedException("loading the agent into pid " + pid + " failed: " + e.getMessage());
    } finally {
      try {
        vm.detach();
      } catch (IOException ignored) {
        // the agent is loaded or not; the connection to the target is going away either way
      }
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
