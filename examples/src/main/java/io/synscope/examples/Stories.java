package io.synscope.examples;

import io.synscope.examples.otlp.OtlpReceiver;
import io.synscope.examples.spans.SpanPrinter;
import java.time.Duration;
import java.util.List;

/** What every example does around its application: receive, print, wait, summarise. */
public final class Stories {
  /** Agent settings for an example: spans out quickly to the example's own receiver. */
  public static String agentOptions(OtlpReceiver receiver, String service) {
    return "otel.exporter.otlp.endpoint="
        + receiver.endpoint()
        + ",otel.service.name="
        + service
        + ",otel.bsp.schedule.delay=200";
  }

  /**
   * Runs the application to its end with the agent attached, printing spans as they arrive;
   * returns the exit status the example should end with (the app's when it failed).
   */
  public static int runApp(
      Launch launch,
      String service,
      List<String> jvmOptions,
      Class<?> mainClass,
      List<String> args,
      SpanPrinter printer,
      Duration timeout)
      throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start(printer::arrived)) {
      AppProcess app =
          AppProcess.start(
              launch,
              agentOptions(receiver, service),
              jvmOptions,
              mainClass,
              args,
              printer::arrived);
      int status = app.await(timeout);
      if (status != 0) {
        launch
            .out()
            .println(
                status < 0
                    ? "examples: the application did not finish within " + timeout
                    : "examples: the application exited with status " + status);
        return 1;
      }
      return 0;
    }
  }

  private Stories() {}
}
