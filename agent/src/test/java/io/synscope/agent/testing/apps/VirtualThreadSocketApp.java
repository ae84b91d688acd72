package io.synscope.agent.testing.apps;

import java.net.InetAddress;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Socket connect and a ServerSocket accept, each on a virtual thread (JDK 21+), case {@code
 * virtual}. Virtual threads are made through reflection, so this compiles for Java 17.
 */
public final class VirtualThreadSocketApp {
  private VirtualThreadSocketApp() {}

  public static void main(String[] args) throws Exception {
    ThreadFactory virtual = virtualThreads();
    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread client =
        virtual.newThread(
            () -> {
              try {
                ConnectCases.succeed(
                    "virtual",
                    InetAddress.getByName("127.0.0.1"),
                    SocketApp::connect,
                    SocketApp::listen,
                    virtual);
              } catch (Exception e) {
                failure.set(e);
              }
            });
    client.start();
    client.join();
    if (failure.get() != null) {
      throw failure.get();
    }
  }

  private static ThreadFactory virtualThreads() throws ReflectiveOperationException {
    Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
    return (ThreadFactory)
        Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
  }
}
