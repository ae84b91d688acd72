package io.synscope.agent.bootstrap;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the agent's own classes and libraries from the {@code inst/} folder of the agent jar.
 *
 * <p>The application's class loaders never see {@code inst/}, so the agent's Byte Buddy,
 * OpenTelemetry, Micrometer and JNA cannot clash with the application's versions of them, and this
 * loader's parent is the platform loader, so the application's versions cannot leak in either.
 * The one exception is this package, the bootstrap side that instrumented JDK classes call into:
 * it is always taken from the loader that holds the entry point.
 */
final class AgentClassLoader extends ClassLoader {
  static final String PREFIX = "inst/";
  private static final String BOOTSTRAP_PACKAGE = AgentClassLoader.class.getPackageName() + ".";

  static {
    registerAsParallelCapable();
  }

  private final JarFile jar;
  private final String jarUrl;
  private final ClassLoader bootstrapSide;
  private final ProtectionDomain domain;

  AgentClassLoader(File agentJar, ClassLoader bootstrapSide) throws IOException {
    super("synscope", ClassLoader.getPlatformClassLoader());
    this.jar = new JarFile(agentJar, false);
    this.jarUrl = agentJar.toURI().toURL().toString();
    this.bootstrapSide = bootstrapSide;
    this.domain =
        new ProtectionDomain(new CodeSource(agentJar.toURI().toURL(), (Certificate[]) null), null);
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (name.startsWith(BOOTSTRAP_PACKAGE)) {
      return Class.forName(name, false, bootstrapSide);
    }
    return super.loadClass(name, resolve);
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    JarEntry entry = jar.getJarEntry(PREFIX + name.replace('.', '/') + ".class");
    if (entry == null) {
      throw new ClassNotFoundException(name);
    }
    byte[] bytes;
    try (InputStream in = jar.getInputStream(entry)) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new ClassNotFoundException(name + " could not be read from the synscope agent jar", e);
    }
    int dot = name.lastIndexOf('.');
    if (dot > 0) {
      String pkg = name.substring(0, dot);
      if (getDefinedPackage(pkg) == null) {
        try {
          definePackage(pkg, null, null, null, null, null, null, null);
        } catch (IllegalArgumentException raced) {
          // another thread defined it first
        }
      }
    }
    return defineClass(name, bytes, 0, bytes.length, domain);
  }

  @Override
  protected URL findResource(String name) {
    if (jar.getJarEntry(PREFIX + name) == null) {
      return null;
    }
    try {
      return new URL("jar:" + jarUrl + "!/" + PREFIX + name);
    } catch (MalformedURLException e) {
      return null;
    }
  }

  @Override
  protected Enumeration<URL> findResources(String name) {
    URL url = findResource(name);
    return url == null ? Collections.emptyEnumeration() : Collections.enumeration(Collections.singleton(url));
  }
}
