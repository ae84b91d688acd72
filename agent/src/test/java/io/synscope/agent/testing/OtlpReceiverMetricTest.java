package io.synscope.agent.testing;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Metrics exported by the real OpenTelemetry SDK over HTTP, decoded value by value. */
class OtlpReceiverMetricTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Attributes SERVICE =
      Attributes.of(stringKey("service.name"), "otlp-receiver-test");
  private static final Attributes LISTENER = Attributes.of(stringKey("listener"), "127.0.0.1:8080");

  @Test
  void decodesCountersGaugesAndHistogramsExportedByTheSdk() {
    long before = System.currentTimeMillis() * 1_000_000L;
    try (OtlpReceiver receiver = OtlpReceiver.start();
        SdkMeterProvider provider = meterProvider(receiver)) {
      Meter meter = provider.meterBuilder("io.synscope.test").build();
      LongCounter overflows =
          meter
              .counterBuilder("tcp.listen.overflows")
              .setDescription("Connections dropped because the accept queue was full")
              .setUnit("{connection}")
              .build();
      overflows.add(3, LISTENER);
      overflows.add(2, LISTENER);
      LongUpDownCounter open = meter.upDownCounterBuilder("tcp.open").build();
      open.add(4);
      open.add(-1);
      meter
          .gaugeBuilder("tcp.listen.backlog")
          .setUnit("{connection}")
          .ofLongs()
          .buildWithCallback(measurement -> measurement.record(128, LISTENER));
      meter.gaugeBuilder("tcp.ratio").buildWithCallback(measurement -> measurement.record(0.25));
      DoubleHistogram handshake =
          meter
              .histogramBuilder("tcp.handshake.duration")
              .setUnit("ms")
              .setExplicitBucketBoundariesAdvice(List.of(1.0, 5.0, 10.0))
              .build();
      for (double value : new double[] {0.5, 3, 3, 20}) {
        handshake.record(value, LISTENER);
      }

      assertThat(provider.forceFlush().join(10, SECONDS).isSuccess()).isTrue();
      receiver.awaitMetrics(metric -> true, 5, TIMEOUT);
      long after = System.currentTimeMillis() * 1_000_000L;

      Map<String, ReceivedMetric> metrics =
          receiver.metrics().stream()
              .collect(Collectors.toMap(ReceivedMetric::name, Function.identity()));
      assertThat(metrics)
          .containsOnlyKeys(
              "tcp.listen.overflows",
              "tcp.open",
              "tcp.listen.backlog",
              "tcp.ratio",
              "tcp.handshake.duration");

      ReceivedMetric counter = metrics.get("tcp.listen.overflows");
      assertThat(counter.type()).isEqualTo(ReceivedMetric.Type.SUM);
      assertThat(counter.monotonic()).isTrue();
      assertThat(counter.temporality()).isEqualTo(ReceivedMetric.Temporality.CUMULATIVE);
      assertThat(counter.description())
          .isEqualTo("Connections dropped because the accept queue was full");
      assertThat(counter.unit()).isEqualTo("{connection}");
      assertThat(counter.scopeName()).isEqualTo("io.synscope.test");
      assertThat(counter.resourceAttributes())
          .contains(entry("service.name", "otlp-receiver-test"));
      assertThat(counter.histogramPoints()).isEmpty();
      assertThat(counter.numberPoints()).hasSize(1);
      ReceivedNumberPoint point = counter.numberPoints().get(0);
      assertThat(point.value()).isEqualTo(5L);
      assertThat(point.attributes()).containsOnly(entry("listener", "127.0.0.1:8080"));
      assertThat(point.startEpochNanos()).isBetween(before, point.epochNanos());
      assertThat(point.epochNanos()).isBetween(before, after);

      ReceivedMetric upDown = metrics.get("tcp.open");
      assertThat(upDown.type()).isEqualTo(ReceivedMetric.Type.SUM);
      assertThat(upDown.monotonic()).isFalse();
      assertThat(upDown.numberPoints()).extracting(ReceivedNumberPoint::value).containsExactly(3L);
      assertThat(upDown.numberPoints().get(0).attributes()).isEmpty();

      ReceivedMetric backlog = metrics.get("tcp.listen.backlog");
      assertThat(backlog.type()).isEqualTo(ReceivedMetric.Type.GAUGE);
      assertThat(backlog.temporality()).isEqualTo(ReceivedMetric.Temporality.UNSPECIFIED);
      assertThat(backlog.unit()).isEqualTo("{connection}");
      assertThat(backlog.numberPoints())
          .extracting(ReceivedNumberPoint::value)
          .containsExactly(128L);
      assertThat(backlog.numberPoints().get(0).attributes())
          .containsOnly(entry("listener", "127.0.0.1:8080"));

      assertThat(metrics.get("tcp.ratio").numberPoints())
          .extracting(ReceivedNumberPoint::value)
          .containsExactly(0.25);

      ReceivedMetric histogram = metrics.get("tcp.handshake.duration");
      assertThat(histogram.type()).isEqualTo(ReceivedMetric.Type.HISTOGRAM);
      assertThat(histogram.temporality()).isEqualTo(ReceivedMetric.Temporality.CUMULATIVE);
      assertThat(histogram.unit()).isEqualTo("ms");
      assertThat(histogram.numberPoints()).isEmpty();
      assertThat(histogram.histogramPoints()).hasSize(1);
      ReceivedHistogramPoint distribution = histogram.histogramPoints().get(0);
      assertThat(distribution.count()).isEqualTo(4);
      assertThat(distribution.sum()).isEqualTo(26.5);
      assertThat(distribution.min()).isEqualTo(0.5);
      assertThat(distribution.max()).isEqualTo(20.0);
      assertThat(distribution.explicitBounds()).containsExactly(1.0, 5.0, 10.0);
      assertThat(distribution.bucketCounts()).containsExactly(1L, 2L, 0L, 1L);
      assertThat(distribution.attributes()).containsOnly(entry("listener", "127.0.0.1:8080"));
    }
  }

  @Test
  void awaitMetricReturnsTheLatestExportOfACumulativeMetric() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        SdkMeterProvider provider = meterProvider(receiver)) {
      LongCounter counter = provider.get("io.synscope.test").counterBuilder("tcp.accepts").build();
      counter.add(1);
      assertThat(provider.forceFlush().join(10, SECONDS).isSuccess()).isTrue();
      counter.add(6);
      assertThat(provider.forceFlush().join(10, SECONDS).isSuccess()).isTrue();

      ReceivedMetric latest =
          receiver.awaitMetric(metric -> metric.name().equals("tcp.accepts"), TIMEOUT);

      assertThat(latest.numberPoints()).extracting(ReceivedNumberPoint::value).containsExactly(7L);
      assertThat(receiver.metrics())
          .flatExtracting(ReceivedMetric::numberPoints)
          .extracting(ReceivedNumberPoint::value)
          .containsExactly(1L, 7L);
    }
  }

  private static SdkMeterProvider meterProvider(OtlpReceiver receiver) {
    OtlpHttpMetricExporter exporter =
        OtlpHttpMetricExporter.builder()
            .setEndpoint(receiver.endpoint() + OtlpReceiver.METRICS_PATH)
            .build();
    // Exports only when flushed, so each export is one the test asked for.
    PeriodicMetricReader reader =
        PeriodicMetricReader.builder(exporter).setInterval(Duration.ofDays(1)).build();
    return SdkMeterProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(SERVICE)))
        .registerMetricReader(reader)
        .build();
  }
}
