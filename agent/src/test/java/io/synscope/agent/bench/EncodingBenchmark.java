package io.synscope.agent.bench;

import com.sun.management.ThreadMXBean;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.internal.otlp.traces.LowAllocationTraceRequestMarshaler;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.synscope.agent.export.otlp.EncodedRequest;
import io.synscope.agent.export.otlp.OtlpSpansEncoder;
import io.synscope.agent.testing.CapturedSpans;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Encoding a batch of the agent's spans as an OTLP request: the SDK's own marshaler (the one its
 * OTLP exporter uses by default, {@code LowAllocationTraceRequestMarshaler}) against the agent's
 * {@link OtlpSpansEncoder}, each as its exporter uses it (encoded, then written to the sender's
 * stream), side by side in one JVM, in rounds whose order alternates. A batch is the agent's
 * default (1,024 spans): half {@code tcp.connect} spans, half {@code tcp.accept}, with the
 * attributes the agent sets, one connect in 16 refused (an exception event, an error status).
 * Before measuring, both must give the same bytes.
 *
 * <p>Run with {@code mvn -B -pl agent -am -Pbenchmark-encoding verify}. Settings: {@code
 * bench.rounds} (15), {@code bench.warmupRounds} (5), {@code bench.roundMillis} (500, per variant
 * and round). Prints the CPU time per span (the thread's own) and the bytes allocated per span,
 * medians of the rounds with their range.
 */
public final class EncodingBenchmark {
  private static final int BATCH = 1024;

  /**
   * Batches cycled through, so that trace ids repeat only every 32,768 spans: the SDK's marshaler
   * keeps a per-thread cache of trace ids' bytes, which in an agent that starts a trace per
   * connection misses nearly every time.
   */
  private static final int BATCHES = 32;

  private final int rounds = Integer.getInteger("bench.rounds", 15);
  private final int warmupRounds = Integer.getInteger("bench.warmupRounds", 5);
  private final long roundNanos = Long.getLong("bench.roundMillis", 500) * 1_000_000L;
  private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    new EncodingBenchmark().run();
  }

  private void run() throws IOException {
    Machine.printMachine();
    Machine.printLoad("before");
    List<List<SpanData>> batches = new ArrayList<>();
    for (int i = 0; i < BATCHES; i++) {
      batches.add(agentSpans());
    }
    LowAllocationTraceRequestMarshaler sdk = new LowAllocationTraceRequestMarshaler();
    OtlpSpansEncoder encoder = new OtlpSpansEncoder();
    long bytes = 0;
    for (List<SpanData> batch : batches) {
      List<EncodedRequest> requests = encoder.encode(batch);
      if (requests.size() != 1) {
        throw new IllegalStateException("a batch took " + requests.size() + " requests, not one");
      }
      EncodedRequest request = requests.get(0);
      byte[] encoded = request.toByteArray();
      request.release();
      if (!Arrays.equals(encoded, sdkBytes(sdk, batch))) {
        throw new IllegalStateException("the encoder's request differs from the SDK's");
      }
      bytes += encoded.length;
    }
    System.out.printf(
        Locale.ROOT,
        "Batches: %d of %d spans, every trace new; %.0f bytes of request a span%n",
        BATCHES,
        BATCH,
        bytes / (double) (BATCHES * BATCH));

    double[][] cpu = new double[2][rounds];
    double[][] alloc = new double[2][rounds];
    for (int round = -warmupRounds; round < rounds; round++) {
      for (int k = 0; k < 2; k++) {
        int variant = (round & 1) == 0 ? k : 1 - k;
        double[] m = variant == 0 ? measureSdk(sdk, batches) : measureEncoder(encoder, batches);
        if (round >= 0) {
          cpu[variant][round] = m[0];
          alloc[variant][round] = m[1];
        }
      }
    }
    double[] ratio = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      ratio[r] = cpu[1][r] / cpu[0][r];
    }
    System.out.printf(
        Locale.ROOT, "%-34s %12s %18s %14s%n", "variant", "CPU ns/span", "rounds", "alloc B/span");
    print("SDK marshaler (low allocation)", cpu[0], alloc[0]);
    print("agent's encoder", cpu[1], alloc[1]);
    System.out.printf(
        Locale.ROOT,
        "Encoder / SDK, CPU per span: %.2f (rounds %.2f .. %.2f), medians of %d rounds%n",
        Medians.median(ratio),
        Medians.min(ratio),
        Medians.max(ratio),
        rounds);
    Machine.printLoad("after");
  }

  private static void print(String name, double[] cpu, double[] alloc) {
    System.out.printf(
        Locale.ROOT,
        "%-34s %12.0f %8.0f .. %7.0f %14.0f%n",
        name,
        Medians.median(cpu),
        Medians.min(cpu),
        Medians.max(cpu),
        Medians.median(alloc));
  }

  /** As the SDK's exporter and sender do: the marshaler prepared, then written to the stream. */
  private double[] measureSdk(LowAllocationTraceRequestMarshaler sdk, List<List<SpanData>> batches)
      throws IOException {
    long[] start = snapshot();
    long encoded = 0;
    long sink = 0;
    do {
      sdk.initialize(batches.get((int) (encoded % BATCHES)));
      MessageWriter writer = sdk.toBinaryMessageWriter();
      writer.writeMessage(DISCARD);
      sink += writer.getContentLength();
      sdk.reset();
      encoded++;
    } while (System.nanoTime() - start[2] < roundNanos);
    return perSpan(start, encoded, sink);
  }

  /** As the agent's exporter and the sender do: encoded, written to the stream, released. */
  private double[] measureEncoder(OtlpSpansEncoder encoder, List<List<SpanData>> batches)
      throws IOException {
    long[] start = snapshot();
    long encoded = 0;
    long sink = 0;
    do {
      for (EncodedRequest request : encoder.encode(batches.get((int) (encoded % BATCHES)))) {
        MessageWriter writer = request.toBinaryMessageWriter();
        writer.writeMessage(DISCARD);
        sink += writer.getContentLength();
        request.release();
      }
      encoded++;
    } while (System.nanoTime() - start[2] < roundNanos);
    return perSpan(start, encoded, sink);
  }

  private long[] snapshot() {
    return new long[] {
      threads.getCurrentThreadCpuTime(),
      threads.getThreadAllocatedBytes(Thread.currentThread().getId()),
      System.nanoTime()
    };
  }

  private double[] perSpan(long[] start, long batches, long bytesWritten) {
    long[] end = snapshot();
    if (bytesWritten <= 0) {
      throw new IllegalStateException("nothing encoded");
    }
    double spans = batches * (double) BATCH;
    return new double[] {(end[0] - start[0]) / spans, (end[1] - start[1]) / spans};
  }

  private static byte[] sdkBytes(LowAllocationTraceRequestMarshaler sdk, List<SpanData> batch)
      throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    sdk.initialize(batch);
    sdk.writeBinaryTo(bytes);
    sdk.reset();
    return bytes.toByteArray();
  }

  /** Spans as the agent makes them, for connections to and from a loopback service. */
  private static List<SpanData> agentSpans() {
    try (CapturedSpans sdk = new CapturedSpans("encoding-benchmark")) {
      Tracer tracer = sdk.tracer();
      for (int i = 0; i < BATCH / 2; i++) {
        int clientPort = 40_000 + i;
        Span connect =
            common(tracer.spanBuilder("tcp.connect").setSpanKind(SpanKind.CLIENT), clientPort, 8080)
                .setAttribute("server.address", "localhost")
                .setAttribute("server.port", 8080L)
                .startSpan();
        if (i % 16 == 0) {
          connect.setAttribute("error.type", "connection_refused");
          connect.recordException(new ConnectException("Connection refused"));
          connect.setStatus(StatusCode.ERROR, "Connection refused");
        }
        connect.end();
        common(tracer.spanBuilder("tcp.accept").setSpanKind(SpanKind.SERVER), 8080, clientPort)
            .setAttribute("tcp.accept.queue_wait_ms", 0L)
            .setAttribute("tcp.listen.queue_depth", 3L)
            .setAttribute("tcp.listen.backlog", 128L)
            .startSpan()
            .end();
      }
      return sdk.spans();
    }
  }

  private static SpanBuilder common(SpanBuilder b, int localPort, int peerPort) {
    return b.setAttribute("network.transport", "tcp")
        .setAttribute("tcp.api", "java.net.Socket")
        .setAttribute("network.type", "ipv4")
        .setAttribute("network.peer.address", "127.0.0.1")
        .setAttribute("network.peer.port", (long) peerPort)
        .setAttribute("network.local.address", "127.0.0.1")
        .setAttribute("network.local.port", (long) localPort)
        .setAttribute("tcp.syn_retransmits", 0L)
        .setAttribute("tcp.rtt_us", 38L)
        .setAttribute("tcp.state", "ESTABLISHED");
  }

  private static final OutputStream DISCARD =
      new OutputStream() {
        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
      };
}
