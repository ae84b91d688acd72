package io.synscope.agent.testing.apps;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.nio.file.Path;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.ClassFileVersion;

/**
 * An app that brings its own, older copies of libraries the agent also uses (OpenTelemetry, Byte
 * Buddy, JNA): prints {@code LIB <name> <jar file>} for each, uses JNA and Byte Buddy a little,
 * then runs {@link ParentSpanApp}. Calls only API those old versions have.
 */
public final class OldLibrariesApp {
  private OldLibrariesApp() {}

  public static void main(String[] args) throws Exception {
    // Native.VERSION is a constant: read through reflection, else the compiler's copy is printed
    java.lang.reflect.Field version = Native.class.getField("VERSION");
    version.setAccessible(true); // declared in a package-private interface
    Object jnaVersion = version.get(null);
    System.out.println(
        "LIB jna "
            + jarOf(Native.class)
            + " version="
            + jnaVersion
            + " linux="
            + Platform.isLinux()
            + " encoding="
            + Native.getDefaultStringEncoding());
    Class<?> made =
        new ByteBuddy(ClassFileVersion.JAVA_V8)
            .subclass(Object.class)
            .name(OldLibrariesApp.class.getName() + "$Made")
            .make()
            .load(OldLibrariesApp.class.getClassLoader())
            .getLoaded();
    System.out.println("LIB byte-buddy " + jarOf(ByteBuddy.class) + " made=" + made.getName());
    System.out.println("LIB opentelemetry-api " + jarOf(Span.class));
    System.out.println("LIB opentelemetry-sdk " + jarOf(OpenTelemetrySdk.class));
    System.out.println("LIB opentelemetry-sdk-trace " + jarOf(SdkTracerProvider.class));
    ParentSpanApp.run();
  }

  private static String jarOf(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI())
        .getFileName()
        .toString();
  }
}
