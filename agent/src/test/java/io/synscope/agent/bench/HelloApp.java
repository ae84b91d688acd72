package io.synscope.agent.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Locale;

/**
 * The application of the start-up benchmark: prints a greeting and exits. With the argument {@code
 * connect} it makes one loopback connection (connect and accept) before it exits; under the agent,
 * started beside the application, that connection waits for the agent to be ready. With the
 * argument {@code heap} it makes that connection and then measures, at the end of main, the heap
 * used before and after a full collection ({@code System.gc()}) and the committed heap, and prints
 * them in a {@code RESULT} line, with the time from the JVM's start to main, the classes loaded,
 * the live threads and the non-heap memory used.
 *
 * <p>The heap figures come from {@link Runtime} ({@code totalMemory - freeMemory} used, {@code
 * totalMemory} committed), read before anything of the management API is loaded, so that its own
 * objects are not counted; the rest is read afterwards.
 */
public final class HelloApp {
  static final String GREETING = "hello, world";

  private HelloApp() {}

  public static void main(String[] args) throws IOException {
    long mainEntered = System.currentTimeMillis();
    System.out.println(GREETING);
    String mode = args.length == 1 ? args[0] : "";
    if (mode.equals("connect") || mode.equals("heap")) {
      connectOnce();
    }
    if (mode.equals("heap")) {
      printHeap(mainEntered);
    }
  }

  private static void connectOnce() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket()) {
      client.connect(server.getLocalSocketAddress());
      server.accept().close();
    }
  }

  private static void printHeap(long mainEntered) {
    Runtime rt = Runtime.getRuntime();
    long usedBeforeGc = rt.totalMemory() - rt.freeMemory();
    System.gc();
    long used = rt.totalMemory() - rt.freeMemory();
    long committed = rt.totalMemory();
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    int classes = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
    System.out.println(
        String.format(
            Locale.ROOT,
            "%sheapUsedBeforeGc=%d heapUsed=%d heapCommitted=%d startToMainMillis=%d"
                + " classesLoaded=%d threads=%d nonHeapUsed=%d",
            ResultLine.PREFIX,
            usedBeforeGc,
            used,
            committed,
            mainEntered - jvmStart,
            classes,
            threads,
            nonHeap.getUsed()));
  }
}
