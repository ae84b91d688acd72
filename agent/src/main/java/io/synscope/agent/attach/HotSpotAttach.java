package io.synscope.agent.attach;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A client of the HotSpot JVM's attach listener, protocol version 1 (what the JDK's own client
 * speaks to JVMs of every version): one request per connection to the Unix socket {@code
 * /tmp/.java_pidN} of the target's file system, where N is the target's pid as it sees itself. A
 * JVM starts the listener when a SIGQUIT finds {@code .attach_pidN} in its working directory, or in
 * {@code /tmp}.
 *
 * <p>Why not the JDK's {@code VirtualMachine}: until JDK 23 it looks for the socket in its own
 * {@code /tmp} whenever the target shares its pid namespace, so it cannot reach a service with a
 * private {@code /tmp} (systemd's {@code PrivateTmp=}, a container sharing the host's pids), where
 * the operator needs it most. This client reaches the target's files through {@code /proc/PID/root}
 * and {@code /proc/PID/cwd}, as the JDK's own does now, and needs no {@code jdk.attach} module.
 */
final class HotSpotAttach {
  private static final long START_TIMEOUT_MILLIS = 10_000;

  /** Long enough for an agent's start on a busy machine; bounded, so that a hung target is said. */
  private static final long REPLY_TIMEOUT_MILLIS = 60_000;

  /**
   * The instrument library's return codes for an agent jar (JPLIS, as the JDK's client maps them).
   */
  private static final int JNI_ENOMEM = -4;

  private static final int ATTACH_ERROR_BADJAR = 100;
  private static final int ATTACH_ERROR_NOTONCP = 101;
  private static final int ATTACH_ERROR_STARTFAIL = 102;

  private final long pid;
  private final Path socket;

  private HotSpotAttach(long pid, Path socket) {
    this.pid = pid;
    this.socket = socket;
  }

  /**
   * Finds the attach listener of JVM {@code pid}, starting it if needed.
   *
   * @throws IOException saying why there is none: no such process, SIGQUIT not handled (a JVM still
   *     starting, or run with {@code -Xrs}), no listener started in time, or a socket that belongs
   *     to another user
   */
  static HotSpotAttach open(long pid) throws IOException {
    ProcessStatus status;
    try {
      status = ProcessStatus.of(pid);
    } catch (NoSuchFileException e) {
      throw new IOException("no process with pid " + pid);
    }
    long nsPid = status.namespacePid(pid);
    Path targetTmp = Path.of("/proc", Long.toString(pid), "root", "tmp");
    // Where /proc/PID/root is not ours to write (a target more privileged than us), the JDK's
    // client falls back to our /tmp; so does this one.
    Path tmp = Files.isWritable(targetTmp) ? targetTmp : Path.of("/tmp");
    Path socket = tmp.resolve(".java_pid" + nsPid);
    if (!Files.exists(socket)) {
      startListener(pid, nsPid, status, tmp, socket);
    }
    checkOwner(socket);
    return new HotSpotAttach(pid, socket);
  }

  private static void startListener(
      long pid, long nsPid, ProcessStatus status, Path tmp, Path socket) throws IOException {
    if (!status.catchesSigquit()) {
      // Without a handler, SIGQUIT would end the process.
      throw new IOException(
          "pid "
              + pid
              + " does not handle SIGQUIT (a JVM still starting, or one run with -Xrs), so its"
              + " attach listener cannot be started");
    }
    if (attachDisabled(pid)) {
      // Signalled, such a JVM would only print a thread dump into its log.
      throw new IOException(
          "pid " + pid + " was started with -XX:+DisableAttachMechanism: it takes no agent now");
    }
    String name = ".attach_pid" + nsPid;
    Path trigger = Path.of("/proc", Long.toString(pid), "cwd", name);
    try {
      createTrigger(trigger);
    } catch (IOException e) {
      trigger = tmp.resolve(name);
      createTrigger(trigger);
    }
    try {
      sendQuit(pid);
      long start = System.nanoTime();
      long delay = 0;
      boolean resent = false;
      while (!Files.exists(socket)) {
        long spent = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (spent > START_TIMEOUT_MILLIS) {
          throw new IOException(
              "pid "
                  + pid
                  + " started no attach listener within "
                  + START_TIMEOUT_MILLIS / 1000
                  + " s ("
                  + socket
                  + " did not appear); was it started with -XX:+DisableAttachMechanism?");
        }
        if (!resent && spent > START_TIMEOUT_MILLIS / 2) {
          sendQuit(pid); // as the JDK's client does: a signal that came too early is lost
          resent = true;
        }
        delay = Math.min(delay + 100, 1000);
        sleep(delay);
      }
    } finally {
      Files.deleteIfExists(trigger);
    }
  }

  /**
   * Whether the JVM's options, in the order HotSpot reads them ({@code JAVA_TOOL_OPTIONS}, {@code
   * JDK_JAVA_OPTIONS}, the command line, {@code _JAVA_OPTIONS}), leave the attach mechanism
   * disabled. False where they cannot be read: the start of the listener then times out instead.
   */
  static boolean attachDisabled(long pid) {
    Path proc = Path.of("/proc", Long.toString(pid));
    try {
      Map<String, String> env =
          nulSeparated(Files.readAllBytes(proc.resolve("environ"))).stream()
              .filter(e -> e.indexOf('=') > 0)
              .collect(
                  Collectors.toMap(
                      e -> e.substring(0, e.indexOf('=')),
                      e -> e.substring(e.indexOf('=') + 1),
                      (a, b) -> b));
      List<String> options = new ArrayList<>();
      options.addAll(words(env.get("JAVA_TOOL_OPTIONS")));
      options.addAll(words(env.get("JDK_JAVA_OPTIONS")));
      options.addAll(nulSeparated(Files.readAllBytes(proc.resolve("cmdline"))));
      options.addAll(words(env.get("_JAVA_OPTIONS")));
      return attachDisabled(options);
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether the last of the options that set DisableAttachMechanism turns it on. */
  static boolean attachDisabled(List<String> options) {
    boolean disabled = false;
    for (String option : options) {
      if (option.equals("-XX:+DisableAttachMechanism")) {
        disabled = true;
      } else if (option.equals("-XX:-DisableAttachMechanism")) {
        disabled = false;
      }
    }
    return disabled;
  }

  private static List<String> nulSeparated(byte[] bytes) {
    List<String> fields = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        fields.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    return fields;
  }

  private static List<String> words(String value) {
    return value == null || value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
  }

  private static void createTrigger(Path trigger) throws IOException {
    try {
      Files.createFile(trigger);
    } catch (FileAlreadyExistsException e) {
      // another attach under way: its trigger serves this one as well
    }
  }

  private static void sendQuit(long pid) throws IOException {
    Process kill =
        new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).redirectErrorStream(true).start();
    String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    try {
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        kill.destroyForcibly();
        throw new IOException(
            "kill -QUIT " + pid + " failed (" + output + "): attach as the JVM's user, or as root");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while signalling pid " + pid);
    }
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the attach listener");
    }
  }

  /**
   * A socket only its owner may use, and owned by us unless we are root: as the JDK's client
   * checks, so that a file planted in a shared /tmp is never taken for a JVM's listener.
   */
  private static void checkOwner(Path socket) throws IOException {
    int mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    long owner = FileAccessIds.id(socket, "unix:uid");
    long me = ProcessStatus.of(ProcessHandle.current().pid()).accessIds().uid();
    if (me != 0 && owner != me) {
      throw new IOException(
          socket
              + " belongs to uid "
              + owner
              + ", not to this user (uid "
              + me
              + "): attach as the JVM's user, or as root");
    }
    if ((mode & 077) != 0) {
      throw new IOException(
          socket + " is open to other users (mode " + Integer.toOctalString(mode & 0777) + ")");
    }
  }

  /** The target's system properties. */
  Properties systemProperties() throws IOException {
    Properties properties = new Properties();
    properties.load(new ByteArrayInputStream(execute("properties")));
    return properties;
  }

  /**
   * Loads an agent jar, as {@code VirtualMachine.loadAgent} does: the instrument library with
   * {@code jar=options}; returns once the agent's {@code agentmain} has returned.
   *
   * @param jarInTarget the jar's path as the target sees it
   * @param options the agent argument, or null
   * @throws LoadFailedException when the target did not load the agent or its start failed
   */
  void loadAgent(String jarInTarget, String options) throws IOException {
    String argument = options == null ? jarInTarget : jarInTarget + "=" + options;
    String reply =
        new String(execute("load", "instrument", "false", argument), StandardCharsets.UTF_8).trim();
    String prefix = "return code: ";
    int code;
    try {
      code = Integer.parseInt(reply.startsWith(prefix) ? reply.substring(prefix.length()) : reply);
    } catch (NumberFormatException e) {
      throw new LoadFailedException(
          "pid " + pid + " did not load the agent: " + (reply.isEmpty() ? "no answer" : reply),
          false);
    }
    switch (code) {
      case 0:
        return;
      case ATTACH_ERROR_BADJAR:
        throw new LoadFailedException(
            "pid " + pid + " found no agent jar at " + jarInTarget + ", or no Agent-Class in it",
            false);
      case ATTACH_ERROR_NOTONCP:
        throw new LoadFailedException(
            "pid " + pid + " could not add " + jarInTarget + " to its system class path", false);
      case ATTACH_ERROR_STARTFAIL:
        throw new LoadFailedException(
            "the agent was loaded into pid " + pid + " but its start failed; its log says why",
            true);
      case JNI_ENOMEM:
        throw new LoadFailedException("pid " + pid + " ran out of memory loading the agent", false);
      default:
        throw new LoadFailedException(
            "pid " + pid + " did not load the agent: return code " + code, false);
    }
  }

  /**
   * Sends one request and reads the whole reply: its first line is the completion status (0 for
   * success), the rest the command's output, or the reason it failed.
   */
  private byte[] execute(String command, String... arguments) throws IOException {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    writeField(request, "1");
    writeField(request, command);
    for (int i = 0; i < 3; i++) { // version 1 requests carry exactly three arguments
      writeField(request, i < arguments.length ? arguments[i] : "");
    }
    byte[] reply;
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      ByteBuffer out = ByteBuffer.wrap(request.toByteArray());
      while (out.hasRemaining()) {
        channel.write(out);
      }
      reply = readToEnd(channel, command);
    }
    int newline = indexOf(reply, (byte) '\n');
    String statusText =
        new String(reply, 0, newline < 0 ? reply.length : newline, StandardCharsets.UTF_8).trim();
    byte[] rest = newline < 0 ? new byte[0] : Arrays.copyOfRange(reply, newline + 1, reply.length);
    int status;
    try {
      status = Integer.parseInt(statusText);
    } catch (NumberFormatException e) {
      throw new IOException(
          "pid " + pid + " answered '" + command + "' with no status: '" + statusText + "'");
    }
    if (status != 0) {
      String message = new String(rest, StandardCharsets.UTF_8).trim().replace('\n', ' ');
      throw new IOException(
          "pid "
              + pid
              + " refused '"
              + command
              + "' (status "
              + status
              + (message.isEmpty() ? ")" : "): " + message));
    }
    return rest;
  }

  private byte[] readToEnd(SocketChannel channel, String command) throws IOException {
    channel.configureBlocking(false);
    ByteArrayOutputStream reply = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REPLY_TIMEOUT_MILLIS);
    try (Selector selector = Selector.open()) {
      channel.register(selector, SelectionKey.OP_READ);
      while (true) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new IOException(
              "pid "
                  + pid
                  + " did not finish answering '"
                  + command
                  + "' within "
                  + REPLY_TIMEOUT_MILLIS / 1000
                  + " s");
        }
        selector.select(left);
        selector.selectedKeys().clear();
        int n = channel.read(buffer.clear());
        if (n < 0) {
          return reply.toByteArray();
        }
        reply.write(buffer.array(), 0, n);
      }
    }
  }

  private static void writeField(ByteArrayOutputStream request, String value) {
    request.writeBytes(value.getBytes(StandardCharsets.UTF_8));
    request.write(0);
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The target did not load the agent, or loaded it and its start failed ({@link #agentStarted}).
   */
  static final class LoadFailedException extends IOException {
    private static final long serialVersionUID = 1L;
    private final boolean agentStarted;

    LoadFailedException(String message, boolean agentStarted) {
      super(message);
      this.agentStarted = agentStarted;
    }

    /** Whether the target opened the jar and ran the agent: a copy of it must then stay. */
    boolean agentStarted() {
      return agentStarted;
    }
  }
}
