package io.synscope.agent.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.synscope.agent.AgentLog;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;

/**
 * The application's current span, when the application uses the OpenTelemetry API itself.
 *
 * <p>The agent's OpenTelemetry classes are its own, invisible to the application and vice versa,
 * so the application's {@code Span.current()} is read through method handles on its own classes,
 * found in each class loader that loaded {@code io.opentelemetry.api.trace.Span}. The result
 * becomes the parent of the agent's span: same trace id, parent span id, sampled flag.
 */
public final class ApplicationContexts {
  /** The class whose loading reveals an application that uses the OpenTelemetry API. */
  public static final String SPAN_CLASS = "io.opentelemetry.api.trace.Span";

  private volatile Reader[] readers = new Reader[0];
  private volatile ClassLoader[] unread = new ClassLoader[0];

  /**
   * Registers a class loader in which the application's OpenTelemetry API was found. The API is
   * read on first use: when this is called, the class may still be being defined.
   */
  public synchronized void register(ClassLoader loader) {
    for (ClassLoader l : unread) {
      if (l == loader) {
        return;
      }
    }
    ClassLoader[] next = Arrays.copyOf(unread, unread.length + 1);
    next[unread.length] = loader;
    unread = next;
  }

  private synchronized void readRegistered() {
    for (ClassLoader loader : unread) {
      read(loader);
    }
    unread = new ClassLoader[0];
  }

  private void read(ClassLoader loader) {
    for (Reader r : readers) {
      if (r.loader == loader) {
        return;
      }
    }
    try {
      Reader r = Reader.of(loader);
      Reader[] next = Arrays.copyOf(readers, readers.length + 1);
      next[readers.length] = r;
      readers = next;
      AgentLog.debug("application OpenTelemetry API found in " + loader);
    } catch (ReflectiveOperationException | RuntimeException e) {
      AgentLog.warnOnce(
          "app-otel:" + System.identityHashCode(loader),
          "the application's OpenTelemetry API in " + loader
              + " cannot be read; its spans will not parent synscope's: " + e);
    }
  }

  /** The parent for a span starting now on this thread: the application's span, or the root. */
  public Context current() {
    if (unread.length > 0) {
      readRegistered();
    }
    Reader[] rs = readers;
    for (Reader r : rs) {
      SpanContext sc = r.currentSpanContext();
      if (sc != null) {
        return Context.root().with(Span.wrap(sc));
      }
    }
    return Context.current();
  }

  /** Method handles on one class loader's copy of the OpenTelemetry API. */
  private static final class Reader {
    final ClassLoader loader;
    private final MethodHandle current;
    private final MethodHandle getSpanContext;
    private final MethodHandle isValid;
    private final MethodHandle getTraceId;
    private final MethodHandle getSpanId;
    private final MethodHandle isSampled;

    private Reader(ClassLoader loader, MethodHandle... h) {
      this.loader = loader;
      this.current = h[0];
      this.getSpanContext = h[1];
      this.isValid = h[2];
      this.getTraceId = h[3];
      this.getSpanId = h[4];
      this.isSampled = h[5];
    }

    static Reader of(ClassLoader loader) throws ReflectiveOperationException {
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      Class<?> span = Class.forName(SPAN_CLASS, false, loader);
      Class<?> spanContext =
          Class.forName("io.opentelemetry.api.trace.SpanContext", false, loader);
      return new Reader(
          loader,
          lookup.findStatic(span, "current", MethodType.methodType(span)),
          lookup.findVirtual(span, "getSpanContext", MethodType.methodType(spanContext)),
          lookup.findVirtual(spanContext, "isValid", MethodType.methodType(boolean.class)),
          lookup.findVirtual(spanContext, "getTraceId", MethodType.methodType(String.class)),
          lookup.findVirtual(spanContext, "getSpanId", MethodType.methodType(String.class)),
          lookup.findVirtual(spanContext, "isSampled", MethodType.methodType(boolean.class)));
    }

    SpanContext currentSpanContext() {
      try {
        Object span = current.invoke();
        Object sc = getSpanContext.invoke(span);
        if (!(boolean) isValid.invoke(sc)) {
          return null;
        }
        return SpanContext.create(
            (String) getTraceId.invoke(sc),
            (String) getSpanId.invoke(sc),
            (boolean) isSampled.invoke(sc) ? TraceFlags.getSampled() : TraceFlags.getDefault(),
            TraceState.getDefault());
      } catch (Throwable t) {
        AgentLog.warnOnce(
            "app-otel-read:" + System.identityHashCode(loader),
            "reading the application's current span failed; synscope's spans start new traces: "
                + t);
        return null;
      }
    }
  }
}
