package io.synscope.agent.trace;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.util.Locale;

/**
 * Names a failed connect for the {@code error.type} attribute: the kernel's reason in a few stable
 * words (the JDK reports ECONNREFUSED, ETIMEDOUT, ENETUNREACH and EHOSTUNREACH as exceptions whose
 * message is the errno's text), else the exception's class name.
 */
public final class ErrorTypes {
  public static final String CONNECTION_REFUSED = "connection_refused";
  public static final String TIMED_OUT = "timed_out";
  public static final String NETWORK_UNREACHABLE = "network_unreachable";
  public static final String HOST_UNREACHABLE = "host_unreachable";

  private ErrorTypes() {}

  public static String of(Throwable t) {
    if (t instanceof SocketTimeoutException) {
      return TIMED_OUT;
    }
    if (t instanceof NoRouteToHostException) {
      return HOST_UNREACHABLE;
    }
    String message = t.getMessage();
    if (message != null && (t instanceof ConnectException || t instanceof java.net.SocketException)) {
      String m = message.toLowerCase(Locale.ROOT);
      if (m.contains("connection refused")) {
        return CONNECTION_REFUSED;
      }
      if (m.contains("timed out")) {
        return TIMED_OUT;
      }
      if (m.contains("network is unreachable")) {
        return NETWORK_UNREACHABLE;
      }
      if (m.contains("no route to host") || m.contains("host is unreachable")) {
        return HOST_UNREACHABLE;
      }
    }
    return t.getClass().getName();
  }
}
