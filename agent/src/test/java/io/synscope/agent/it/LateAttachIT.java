package io.synscope.agent.it;

import static io.synscope.agent.it.SpanChecks.ACCEPT;
import static io.synscope.agent.it.SpanChecks.CONNECT;
import static io.synscope.agent.it.SpanChecks.assertInside;
import static io.synscope.agent.it.SpanChecks.assertQueuedDuring;
import static io.synscope.agent.it.SpanChecks.named;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.tools.attach.VirtualMachine;
import io.synscope.agent.testing.ForkedJvm;
import io.synscope.agent.testing.Jdks;
import io.synscope.agent.testing.OtlpReceiver;
import io.synscope.agent.testing.ReceivedSpan;
import io.synscope.agent.testing.apps.ConnectOnCommandApp;
import io.synscope.probe.testing.Ss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The agent loaded into a running app: exactly the connections after the attach are traced. */
class LateAttachIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** Loads the agent into a running JVM, with an agent argument. */
  private interface Attach {
    void attach(long pid, String agentArgs) throws Exception;
  }

  @Test
  void onlyConnectsAfterTheAttachAreTraced() throws Exception {
    lateAttach(
        builder -> {},
        (pid, agentArgs) -> {
          VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
          try {
            vm.loadAgent(ForkedJvm.agentJar().toString(), agentArgs);
          } finally {
            vm.detach();
          }
        });
  }

  /**
   * The operator's way: {@code java -jar synscope-agent.jar attach PID KEY=VALUE}; a second attach
   * to the same JVM loads nothing and says so.
   */
  @Test
  void theCliAttachCommandLoadsTheAgentOnce() throws Exception {
    lateAttach(
        builder -> {},
        (pid, agentArgs) -> {
          CliRun first = cliAttach(ForkedJvm.agentJar(), pid, agentArgs);
          assertThat(first.status()).as(first.output()).isZero();
          assertThat(first.output()).contains("synscope: agent loaded into pid " + pid);

          CliRun second = cliAttach(ForkedJvm.agentJar(), pid, agentArgs);
          assertThat(second.status()).as(second.output()).isEqualTo(1);
          assertThat(second.output())
              .contains(
                  "synscope attach: AttachFailedException: synscope is already running in pid "
                      + pid
                      + " (from its start or an earlier attach); nothing loaded, and options"
                      + " given now do not apply");
        });
  }

  /**
   * The on-call case: a service running as a user of its own with a private /tmp (systemd's
   * PrivateTmp=), and the operator's copy of the agent jar in a directory only root may enter. Run
   * as root, the attach reaches the JVM through /proc/PID/root, and the JVM loads a copy of the jar
   * written to its own /tmp.
   */
  @Test
  void rootAttachesToAnotherUsersJvmWithAPrivateTmpThroughACopyOfTheJar() throws Exception {
    Path appClasses = appClassesForAnotherUser();
    Path operatorDir = Files.createTempDirectory(VAR_TMP, "synscope-operator-"); // mode 0700
    try {
      Path operatorJar =
          Files.copy(ForkedJvm.agentJar(), operatorDir.resolve("synscope-agent.jar"));
      lateAttach(
          builder -> builder.classpathInstead(appClasses).commandPrefix(asNobodyWithAPrivateTmp()),
          (pid, agentArgs) -> {
            assertThat(Files.readString(Path.of("/proc", Long.toString(pid), "status")))
                .containsPattern("\nUid:\\s+" + NOBODY + "\\s+" + NOBODY + "\\s");
            Path copy =
                attachThroughACopy(
                    operatorJar, pid, agentArgs, "its user, uid " + NOBODY + ", may not read it");
            assertThat(copy).as("not in our /tmp").doesNotExist();
          });
    } finally {
      deleteTree(appClasses);
      deleteTree(operatorDir);
    }
  }

  /**
   * A JVM as in a container: pid 1 of a pid namespace of its own, its own /proc and /tmp, another
   * user. The jar lies, readable by all, in our /tmp, which that JVM's file system does not have:
   * it loads a copy written to its own /tmp.
   */
  @Test
  void rootAttachesToAJvmInPidAndMountNamespacesOfItsOwn() throws Exception {
    Path appClasses = appClassesForAnotherUser();
    Path hostDir = Files.createTempDirectory("synscope-host-jar-");
    try {
      Files.setPosixFilePermissions(hostDir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path hostJar = Files.copy(ForkedJvm.agentJar(), hostDir.resolve("synscope-agent.jar"));
      lateAttach(
          builder ->
              builder
                  .classpathInstead(appClasses)
                  .commandPrefix(asNobodyWithAPrivateTmp("--pid", "--fork", "--mount-proc")),
          (unsharePid, agentArgs) -> {
            // unshare forks: the JVM is its child, pid 1 inside.
            long pid = onlyChild(unsharePid);
            assertThat(Files.readString(Path.of("/proc", Long.toString(pid), "status")))
                .containsPattern("\nNSpid:\\s+" + pid + "\\s+1\n");
            attachThroughACopy(hostJar, pid, agentArgs, "its file system has no file at that path");
          });
    } finally {
      deleteTree(appClasses);
      deleteTree(hostDir);
    }
  }

  /**
   * Attaches with the CLI from {@code jar}, which the JVM cannot open for {@code reason}: the
   * command says where the copy went, the JVM loads it, and the copy in the JVM's file system is
   * the jar, byte for byte.
   *
   * @return the copy's path as the JVM sees it
   */
  private static Path attachThroughACopy(Path jar, long pid, String agentArgs, String reason)
      throws Exception {
    CliRun run = cliAttach(jar, pid, agentArgs);
    assertThat(run.status()).as(run.output()).isZero();
    Matcher note =
        Pattern.compile(
                "synscope: pid "
                    + pid
                    + " cannot open "
                    + Pattern.quote(jar.toRealPath().toString())
                    + " \\("
                    + Pattern.quote(reason)
                    + "\\); it loads a copy, (/tmp/synscope-agent-\\d+\\.jar) in its file system\n"
                    + "synscope: agent loaded into pid "
                    + pid
                    + ";")
            .matcher(run.output());
    assertThat(note.find()).as(run.output()).isTrue();
    Path copy = Path.of(note.group(1));
    assertThat(Path.of("/proc/" + pid + "/root" + copy)).hasSameBinaryContentAs(jar);
    return copy;
  }

  private static long onlyChild(long pid) throws IOException {
    String children =
        Files.readString(
                Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children"))
            .trim();
    assertThat(children).as("children of %d", pid).matches("\\d+");
    return Long.parseLong(children);
  }

  /**
   * A JVM started with -XX:+DisableAttachMechanism is told apart at once, without the SIGQUIT that
   * would only print a thread dump into its output.
   */
  @Test
  void aJvmThatTakesNoAgentsIsToldApartWithoutASignal() throws Exception {
    try (ForkedJvm app =
        ForkedJvm.builder(ConnectOnCommandApp.class)
            .timeout(TIMEOUT)
            .jvmArg("-XX:+DisableAttachMechanism")
            .start()) {
      app.awaitOutputLine(line -> line.startsWith("READY"), TIMEOUT);
      long start = System.nanoTime();
      CliRun run = cliAttach(ForkedJvm.agentJar(), app.pid(), "otel.traces.exporter=none");
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(run.status()).as(run.output()).isEqualTo(1);
      assertThat(run.output())
          .isEqualTo(
              "synscope attach: AttachFailedException: cannot attach to pid "
                  + app.pid()
                  + ": pid "
                  + app.pid()
                  + " was started with -XX:+DisableAttachMechanism: it takes no agent now\n");
      assertThat(millis).as("the attach waited for no listener").isLessThan(5_000);
      app.closeStdin();
      app.awaitSuccess();
      assertThat(app.stdout()).doesNotContain("Full thread dump");
      assertThat(app.stderr()).doesNotContain("[synscope]");
    }
  }

  private static final int NOBODY = 65534;

  private static final Path VAR_TMP = Path.of("/var/tmp");

  /**
   * Skips the test unless it can run a JVM as another user in namespaces of its own; else the test
   * application's classes, copied outside /tmp (which that JVM will not share), readable by all.
   */
  private static Path appClassesForAnotherUser() throws Exception {
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "running a JVM as another user in namespaces of its own needs root; running as "
            + System.getProperty("user.name"));
    assumeTrue(
        Ss.hasTool("unshare") && Ss.hasTool("setpriv"),
        "unshare and setpriv (util-linux) are needed");
    assumeTrue(Files.isDirectory(VAR_TMP), VAR_TMP + " is needed");
    Path appClasses = Files.createTempDirectory(VAR_TMP, "synscope-attach-app-");
    copyWorldReadable(ConnectOnCommandApp.class, appClasses);
    return appClasses;
  }

  /**
   * A command prefix that runs the JVM as user {@value #NOBODY} in a mount namespace of its own
   * with a fresh tmpfs on /tmp, with these further {@code unshare} options.
   */
  private static String[] asNobodyWithAPrivateTmp(String... unshareOptions) {
    List<String> prefix = new ArrayList<>(List.of("unshare"));
    prefix.addAll(List.of(unshareOptions));
    prefix.addAll(
        List.of(
            "--mount",
            "--propagation",
            "private",
            "--",
            "sh",
            "-c",
            "mount -t tmpfs -o mode=1777 tmpfs /tmp && cd / && exec setpriv --reuid="
                + NOBODY
                + " --regid="
                + NOBODY
                + " --clear-groups \"$@\"",
            "sh"));
    return prefix.toArray(String[]::new);
  }

  /**
   * Copies the class files of {@code type}'s package, and below, into {@code dir}, readable by all.
   */
  private static void copyWorldReadable(Class<?> type, Path dir) throws Exception {
    Path classes = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path pkg = classes.resolve(type.getPackageName().replace('.', '/'));
    try (Stream<Path> files = Files.walk(pkg)) {
      for (Path f : files.toList()) {
        Path copy = dir.resolve(classes.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(copy);
        } else {
          Files.createDirectories(copy.getParent());
          Files.copy(f, copy);
        }
      }
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.toList()) {
        Files.setPosixFilePermissions(
            p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private record CliRun(int status, String output) {}

  private static CliRun cliAttach(Path agentJar, long pid, String agentArgs) throws Exception {
    Process cli =
        new ProcessBuilder(
                Jdks.current().java().toString(),
                "-jar",
                agentJar.toString(),
                "attach",
                Long.toString(pid),
                agentArgs)
            .redirectErrorStream(true)
            .start();
    String out = new String(cli.getInputStream().readAllBytes());
    assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new CliRun(cli.exitValue(), out);
  }

  private void lateAttach(Consumer<ForkedJvm.Builder> setUp, Attach attach) throws Exception {
    ForkedJvm.Builder builder = ForkedJvm.builder(ConnectOnCommandApp.class).timeout(TIMEOUT);
    setUp.accept(builder);
    if (Jdks.current().feature() >= 21) {
      builder.jvmArg("-XX:+EnableDynamicAgentLoading"); // else JDK 21+ warns about the attach
    }
    try (OtlpReceiver receiver = OtlpReceiver.start();
        ForkedJvm app = builder.start()) {
      app.awaitOutputLine(line -> line.startsWith("READY"), TIMEOUT);
      app.sendLine("CONNECT before");
      app.awaitOutputLine(line -> line.equals("DONE before"), TIMEOUT);

      attach.attach(app.pid(), "otel.exporter.otlp.endpoint=" + receiver.endpoint());
      app.sendLine("CONNECT after");
      app.awaitOutputLine(line -> line.equals("DONE after"), TIMEOUT);
      app.closeStdin();
      app.awaitSuccess();

      List<AppObservation> seen = AppObservation.all(app);
      AppObservation client = AppObservation.find(seen, "connect", "after");
      AppObservation server = AppObservation.find(seen, "accept", "after");
      List<ReceivedSpan> spans =
          receiver.awaitSpans(SpanChecks::ofConnections, 2, Duration.ofSeconds(10));
      assertThat(spans).hasSize(2);
      ReceivedSpan connect = named(spans, CONNECT).get(0);
      ReceivedSpan accept = named(spans, ACCEPT).get(0);
      assertThat(connect.attributes())
          .containsEntry("tcp.api", "socket")
          .containsEntry("network.local.port", client.number("localPort"))
          .containsEntry("server.port", client.number("remotePort"));
      assertThat(accept.attributes())
          .containsEntry("tcp.api", "server_socket")
          .containsEntry("network.peer.port", client.number("localPort"))
          .containsEntry("network.local.port", server.number("localPort"));
      assertInside(connect, client);
      assertQueuedDuring(accept, server, client);
      assertThat(app.stderr())
          .contains("[synscope] agent ")
          .containsPattern(" attached in \\d+ ms: tracing TCP connects and accepts")
          .doesNotContain("[synscope] WARN");
    }
  }
}
