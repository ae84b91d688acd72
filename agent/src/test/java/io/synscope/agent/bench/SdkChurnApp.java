package io.synscope.agent.bench;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.Socket;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The floor of the exporting churn: the same churn as {@link ChurnApp}, no agent, and for every
 * connection the two spans the agent makes (a {@code tcp.connect} CLIENT span and a {@code
 * tcp.accept} SERVER span with the same attribute keys, types and counts as a successful IPv4
 * connect and accept of a {@code Socket}), made with the OpenTelemetry SDK on the connecting and
 * accepting threads and exported over OTLP/HTTP (protobuf) by the SDK's own exporter through a
 * {@link BatchSpanProcessor}: a bare SDK program, set up with care, doing what the agent does for
 * the spans.
 *
 * <p>The ports are the connection's own; the addresses are the loopback address, as text once;
 * what the agent reads from tcp_info (state, round trip time, retransmits, the listener's queue)
 * gets fixed values of the size it has on loopback.
 *
 * <p>Arguments: warm-up milliseconds, measured milliseconds, the most connections to make, the
 * OTLP traces endpoint, the batch processor's queue size, batch size and delay in milliseconds.
 * After the {@code RESULT} line and the processor's flush, prints {@code SPANS made=...
 * exported=... failed=...}: the spans made in the whole run, those handed to the exporter (the rest were
 * dropped at the full queue), and those the exporter failed to deliver.
 */
public final class SdkChurnApp implements ChurnApp.ConnectionSpans {
  private static final AttributeKey<String> NETWORK_TRANSPORT =
      AttributeKey.stringKey("network.transport");
  private static final AttributeKey<String> NETWORK_TYPE = AttributeKey.stringKey("network.type");
  private static final AttributeKey<String> NETWORK_PEER_ADDRESS =
      AttributeKey.stringKey("network.peer.address");
  private static final AttributeKey<Long> NETWORK_PEER_PORT =
      AttributeKey.longKey("network.peer.port");
  private static final AttributeKey<String> NETWORK_LOCAL_ADDRESS =
      AttributeKey.stringKey("network.local.address");
  private static final AttributeKey<Long> NETWORK_LOCAL_PORT =
      AttributeKey.longKey("network.local.port");
  private static final AttributeKey<String> SERVER_ADDRESS =
      AttributeKey.stringKey("server.address");
  private static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  private static final AttributeKey<String> TCP_API = AttributeKey.stringKey("tcp.api");
  private static final AttributeKey<Long> TCP_RTT_US = AttributeKey.longKey("tcp.rtt_us");
  private static final AttributeKey<Long> TCP_SYN_RETRANSMITS =
      AttributeKey.longKey("tcp.syn_retransmits");
  private static final AttributeKey<String> TCP_STATE = AttributeKey.stringKey("tcp.state");
  private static final AttributeKey<Long> TCP_ACCEPT_QUEUE_WAIT_MS =
      AttributeKey.longKey("tcp.accept.queue_wait_ms");
  private static final AttributeKey<Long> TCP_LISTEN_BACKLOG =
      AttributeKey.longKey("tcp.listen.backlog");
  private static final AttributeKey<Long> TCP_LISTEN_QUEUE_DEPTH =
      AttributeKey.longKey("tcp.listen.queue_depth");

  /** A loopback round trip time as tcp_info gives it, microseconds. */
  private static final long RTT_MICROS = 40;

  private static final long FLUSH_SECONDS = 5;

  private final Tracer tracer;
  private final String loopback = "127.0.0.1";
  private final long epochAnchorNanos;
  private final long nanoAnchor;
  private final LongAdder made = new LongAdder();

  private SdkChurnApp(Tracer tracer) {
    this.tracer = tracer;
    this.nanoAnchor = System.nanoTime();
    this.epochAnchorNanos = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 7) {
      System.err.println(
          "usage: SdkChurnApp <warm-up ms> <measured ms> <max connections> <OTLP traces endpoint>"
              + " <queue size> <batch size> <delay ms>");
      System.exit(2);
    }
    CountingExporter exporter =
        new CountingExporter(OtlpHttpSpanExporter.builder().setEndpoint(args[3]).build());
    BatchSpanProcessor processor =
        BatchSpanProcessor.builder(exporter)
            .setMaxQueueSize(Integer.parseInt(args[4]))
            .setMaxExportBatchSize(Integer.parseInt(args[5]))
            .setScheduleDelay(Duration.ofMillis(Long.parseLong(args[6])))
            .build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(AttributeKey.stringKey("service.name"), "churn"))))
            .addSpanProcessor(processor)
            .build();
    SdkChurnApp spans = new SdkChurnApp(provider.get("io.synscope", "bench"));
    ChurnApp app =
        new ChurnApp(
            Long.parseLong(args[0]), Long.parseLong(args[1]), Long.parseLong(args[2]), spans);
    boolean ok = app.run();
    provider.shutdown().join(FLUSH_SECONDS, TimeUnit.SECONDS);
    System.out.printf(
        Locale.ROOT,
        "SPANS made=%d exported=%d failed=%d%n",
        spans.made.sum(),
        exporter.exported.sum(),
        exporter.failed.sum());
    System.exit(ok ? 0 : 1);
  }

  private long epochNanos(long nanoTime) {
    return epochAnchorNanos + (nanoTime - nanoAnchor);
  }

  @Override
  public void connected(Socket s, long startNanos, long endNanos) {
    long port = s.getPort();
    tracer
        .spanBuilder("tcp.connect")
        .setSpanKind(SpanKind.CLIENT)
        .setParent(Context.current())
        .setStartTimestamp(epochNanos(startNanos), TimeUnit.NANOSECONDS)
        .setAttribute(NETWORK_TRANSPORT, "tcp")
        .setAttribute(TCP_API, "socket")
        .setAttribute(SERVER_ADDRESS, loopback)
        .setAttribute(SERVER_PORT, port)
        .setAttribute(NETWORK_TYPE, "ipv4")
        .setAttribute(NETWORK_PEER_ADDRESS, loopback)
        .setAttribute(NETWORK_PEER_PORT, port)
        .setAttribute(NETWORK_LOCAL_ADDRESS, loopback)
        .setAttribute(NETWORK_LOCAL_PORT, (long) s.getLocalPort())
        .setAttribute(TCP_SYN_RETRANSMITS, 0L)
        .setAttribute(TCP_STATE, "ESTABLISHED")
        .setAttribute(TCP_RTT_US, RTT_MICROS)
        .startSpan()
        .end(epochNanos(endNanos), TimeUnit.NANOSECONDS);
    made.increment();
  }

  @Override
  public void accepted(Socket a, long startNanos, long endNanos) {
    tracer
        .spanBuilder("tcp.accept")
        .setSpanKind(SpanKind.SERVER)
        .setParent(Context.current())
        .setStartTimestamp(epochNanos(startNanos), TimeUnit.NANOSECONDS)
        .setAttribute(NETWORK_TRANSPORT, "tcp")
        .setAttribute(TCP_API, "server_socket")
        .setAttribute(NETWORK_TYPE, "ipv4")
        .setAttribute(NETWORK_PEER_ADDRESS, loopback)
        .setAttribute(NETWORK_PEER_PORT, (long) a.getPort())
        .setAttribute(NETWORK_LOCAL_ADDRESS, loopback)
        .setAttribute(NETWORK_LOCAL_PORT, (long) a.getLocalPort())
        .setAttribute(TCP_ACCEPT_QUEUE_WAIT_MS, 0L)
        .setAttribute(TCP_SYN_RETRANSMITS, 0L)
        .setAttribute(TCP_RTT_US, RTT_MICROS)
        .setAttribute(TCP_STATE, "ESTABLISHED")
        .setAttribute(TCP_LISTEN_QUEUE_DEPTH, 0L)
        .setAttribute(TCP_LISTEN_BACKLOG, (long) ChurnApp.backlog())
        .startSpan()
        .end(epochNanos(endNanos), TimeUnit.NANOSECONDS);
    made.increment();
  }

  /** Counts the spans handed to the exporter and those it failed to deliver. */
  private static final class CountingExporter implements SpanExporter {
    private final SpanExporter delegate;
    private final LongAdder exported = new LongAdder();
    private final LongAdder failed = new LongAdder();

    CountingExporter(SpanExporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      int n = spans.size();
      exported.add(n);
      CompletableResultCode result = delegate.export(spans);
      result.whenComplete(
          () -> {
            if (!result.isSuccess()) {
              failed.add(n);
            }
          });
      return result;
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }
  }
}
