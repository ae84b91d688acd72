package io.synscope.agent.instrument;

import io.synscope.agent.trace.ApplicationContexts;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * Notices each class loader in which the application loads the OpenTelemetry API, so that {@link
 * ApplicationContexts} can read the application's current span. Looks at class names only and
 * changes no class.
 */
public final class ApplicationOtelWatcher implements ClassFileTransformer {
  private static final String SPAN_INTERNAL_NAME =
      ApplicationContexts.SPAN_CLASS.replace('.', '/');

  private final ApplicationContexts contexts;
  private final ClassLoader own;

  private ApplicationOtelWatcher(ApplicationContexts contexts) {
    this.contexts = contexts;
    this.own = ApplicationOtelWatcher.class.getClassLoader();
  }

  /** Starts watching, and registers the loaders that loaded the API before the agent came. */
  public static void install(Instrumentation inst, ApplicationContexts contexts) {
    ApplicationOtelWatcher watcher = new ApplicationOtelWatcher(contexts);
    inst.addTransformer(watcher, false);
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (c.getName().equals(ApplicationContexts.SPAN_CLASS) && c.getClassLoader() != watcher.own) {
        contexts.register(c.getClassLoader());
      }
    }
  }

  @Override
  public byte[] transform(
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classfileBuffer) {
    if (loader != null && loader != own && SPAN_INTERNAL_NAME.equals(className)) {
      contexts.register(loader);
    }
    return null;
  }
}
