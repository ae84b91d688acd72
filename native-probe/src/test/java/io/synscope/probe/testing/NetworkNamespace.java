package io.synscope.probe.testing;

import io.synscope.probe.linux.jna.NamespaceSwitch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * A network namespace of a test's own ({@code ip netns add}), with loopback up, optional nftables
 * rules, and a thread inside it on which the test creates sockets and probes. Deleted on close.
 *
 * <p>Note: {@code /proc/self/net} follows the process's main thread, not this thread; read
 * {@code /proc/thread-self/net} from the namespace thread to see the namespace's tables.
 */
public final class NetworkNamespace implements AutoCloseable {
  private final String name;
  private final ExecutorService thread;

  private NetworkNamespace(String name) {
    this.name = name;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "netns-" + name);
              t.setDaemon(true);
              return t;
            });
  }

  /** Skips the calling test unless this process can create namespaces and run ip and nft. */
  public static void assumeSupported() {
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "network namespaces need root; running as " + System.getProperty("user.name"));
    Assumptions.assumeTrue(Ss.hasTool("ip"), "the ip tool (iproute2) is not installed");
    Assumptions.assumeTrue(Ss.hasTool("nft"), "the nft tool (nftables) is not installed");
  }

  /** Creates a namespace with a unique name starting with {@code prefix}, loopback up. */
  public static NetworkNamespace create(String prefix) {
    String name = prefix + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100000;
    Ss.run(List.of("ip", "netns", "add", name));
    NetworkNamespace ns = new NetworkNamespace(name);
    try {
      Ss.run(List.of("ip", "-n", name, "link", "set", "lo", "up"));
      ns.call(
          () -> {
            NamespaceSwitch.enterNetworkNamespace("/run/netns/" + name);
            return null;
          });
      return ns;
    } catch (RuntimeException e) {
      ns.close();
      throw e;
    }
  }

  public String name() {
    return name;
  }

  /** Runs {@code nft} inside the namespace with these arguments. */
  public void nft(String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name, "nft"));
    cmd.addAll(List.of(args));
    Ss.run(cmd);
  }

  /** Drops every TCP SYN sent to {@code port} inside the namespace (IPv4 and IPv6). */
  public void dropSynsTo(int port) {
    nft("add", "table", "inet", "synscope_test");
    nft("add chain inet synscope_test input { type filter hook input priority 0 ; }".split(" "));
    nft("add", "rule", "inet", "synscope_test", "input", "tcp", "dport", Integer.toString(port),
        "tcp", "flags", "syn", "drop");
  }

  /** Runs the task on the namespace's thread and returns its result (bounded to 30 s). */
  public <T> T call(Callable<T> task) {
    Future<T> f = thread.submit(task);
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      if (c instanceof Error) {
        throw (Error) c;
      }
      throw new IllegalStateException(c);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new IllegalStateException("task in namespace " + name + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** ss's view of the namespace's sockets. */
  public List<Ss.Entry> ss(String... filter) {
    return Ss.socketsIn(name, filter);
  }

  @Override
  public void close() {
    thread.shutdownNow();
    Ss.run(List.of("ip", "netns", "delete", name));
  }
}
