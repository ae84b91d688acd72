package io.synscope.agent.testing;

import io.synscope.probe.MalformedDataException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes an ExportMetricsServiceRequest
 * (opentelemetry/proto/collector/metrics/v1/metrics_service.proto) into {@link ReceivedMetric}s;
 * field numbers are those of opentelemetry/proto/metrics/v1/metrics.proto.
 */
final class OtlpMetricDecoder {
  private OtlpMetricDecoder() {}

  static List<ReceivedMetric> decode(byte[] request) {
    List<ReceivedMetric> metrics = new ArrayList<>();
    ProtobufReader reader = new ProtobufReader(request);
    while (reader.next()) {
      if (reader.fieldNumber() == 1) {
        resourceMetrics(reader.readMessage(), metrics);
      } else {
        reader.skip();
      }
    }
    return metrics;
  }

  private static void resourceMetrics(ProtobufReader reader, List<ReceivedMetric> into) {
    Map<String, Object> resource = Map.of();
    List<ProtobufReader> scopeMetrics = new ArrayList<>();
    while (reader.next()) {
      switch (reader.fieldNumber()) {
        case 1 -> resource = OtlpValues.resource(reader.readMessage());
        case 2 -> scopeMetrics.add(reader.readMessage());
        default -> reader.skip();
      }
    }
    for (ProtobufReader scope : scopeMetrics) {
      scopeMetrics(scope, resource, into);
    }
  }

  private static void scopeMetrics(
      ProtobufReader reader, Map<String, Object> resource, List<ReceivedMetric> into) {
    OtlpValues.Scope scope = OtlpValues.Scope.NONE;
    List<ProtobufReader> metrics = new ArrayList<>();
    while (reader.next()) {
      switch (reader.fieldNumber()) {
        case 1 -> scope = OtlpValues.scope(reader.readMessage());
        case 2 -> metrics.add(reader.readMessage());
        default -> reader.skip();
      }
    }
    for (ProtobufReader metric : metrics) {
      into.add(metric(metric, resource, scope.name()));
    }
  }

  /** Collects one Metric's fields; its data oneof sets type, temporality and points. */
  private static final class MetricBuilder {
    String name = "";
    String description = "";
    String unit = "";
    ReceivedMetric.Type type;
    int temporality;
    boolean monotonic;
    final List<ReceivedNumberPoint> numberPoints = new ArrayList<>();
    final List<ReceivedHistogramPoint> histogramPoints = new ArrayList<>();
  }

  private static ReceivedMetric metric(
      ProtobufReader reader, Map<String, Object> resource, String scopeName) {
    int start = reader.tagOffset();
    MetricBuilder metric = new MetricBuilder();
    while (reader.next()) {
      switch (reader.fieldNumber()) {
        case 1 -> metric.name = reader.readString();
        case 2 -> metric.description = reader.readString();
        case 3 -> metric.unit = reader.readString();
        case 5 -> data(reader, ReceivedMetric.Type.GAUGE, metric);
        case 7 -> data(reader, ReceivedMetric.Type.SUM, metric);
        case 9 -> data(reader, ReceivedMetric.Type.HISTOGRAM, metric);
        case 10 -> data(reader, ReceivedMetric.Type.EXPONENTIAL_HISTOGRAM, metric);
        case 11 -> data(reader, ReceivedMetric.Type.SUMMARY, metric);
        default -> reader.skip();
      }
    }
    if (metric.type == null) {
      throw new MalformedDataException(
          "protobuf at offset " + start + ": metric '" + metric.name + "' has no data");
    }
    return new ReceivedMetric(
        metric.name,
        metric.description,
        metric.unit,
        metric.type,
        ReceivedMetric.Temporality.values()[metric.temporality],
        metric.monotonic,
        metric.numberPoints,
        metric.histogramPoints,
        resource,
        scopeName);
  }

  private static void data(ProtobufReader outer, ReceivedMetric.Type type, MetricBuilder metric) {
    if (metric.type != null) {
      throw new MalformedDataException(
          "protobuf at offset "
              + outer.tagOffset()
              + ": metric '"
              + metric.name
              + "' has both "
              + metric.type
              + " and "
              + type);
    }
    metric.type = type;
    ProtobufReader reader = outer.readMessage();
    while (reader.next()) {
      switch (reader.fieldNumber()) {
        case 1 -> {
          if (type == ReceivedMetric.Type.GAUGE || type == ReceivedMetric.Type.SUM) {
            metric.numberPoints.add(numberPoint(reader.readMessage(), reader.tagOffset()));
          } else if (type == ReceivedMetric.Type.HISTOGRAM) {
            metric.histogramPoints.add(histogramPoint(reader.readMessage()));
          } else {
            reader.skip();
          }
        }
        case 2 -> {
          if (type == ReceivedMetric.Type.GAUGE) {
            reader.skip();
          } else {
            metric.temporality =
                OtlpTraceDecoder.enumValue(reader, ReceivedMetric.Temporality.values().length);
          }
        }
        case 3 -> {
          if (type == ReceivedMetric.Type.SUM) {
            metric.monotonic = reader.readBool();
          } else {
            reader.skip();
          }
        }
        default -> reader.skip();
      }
    }
  }

  private static ReceivedNumberPoint numberPoint(ProtobufReader reader, int offset) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    long start = 0;
    long time = 0;
    Number value = null;
    while (reader.next()) {
      switch (reader.fieldNumber()) {
        case 2 -> start = reader.readFixed64();
        case 3 -> time = reader.readFixed64();
        case 4 -> value = reader.readDouble();
        case 6 -> value = reader.readFixed64();
        case 7 -> OtlpValues.readKeyValue(reader.readMessage(), attributes, reader.tagOffset());
        default -> reader.skip();
      }
    }
    if (value == null) {
      // as_int and as_double are a oneof, so even a zero is on the wire; absence is an error.
      throw new MalformedDataException(
          "protobuf at offset " + offset + ": NumberDataPoint without a value " + attributes);
    }
    return new ReceivedNumberPoint(attributes, start, time, value);
  }

  private static ReceivedHistogramPoint histogramPoint(ProtobufReader reader) {
    int offset = reader.tagOffset();
    Map<String, Object> attributes = new LinkedHashMap<>();
    long start = 0;
    long time = 0;
    long count = 0;
    Double sum = null;
    Double min = null;
    Double max = null;
    List<Long> bucketCounts = new ArrayList<>();
    List<Double> bounds = new ArrayList<>();
    while (reader.next()) {
      switch (reader.fieldNumber()) {
        case 2 -> start = reader.readFixed64();
        case 3 -> time = reader.readFixed64();
        case 4 -> count = reader.readFixed64();
        case 5 -> sum = reader.readDouble();
        case 6 -> {
          for (long bucketCount : reader.readRepeatedFixed64()) {
            bucketCounts.add(bucketCount);
          }
        }
        case 7 -> {
          for (double bound : reader.readRepeatedDouble()) {
            bounds.add(bound);
          }
        }
        case 9 -> OtlpValues.readKeyValue(reader.readMessage(), attributes, reader.tagOffset());
        case 11 -> min = reader.readDouble();
        case 12 -> max = reader.readDouble();
        default -> reader.skip();
      }
    }
    if (!bucketCounts.isEmpty() && bucketCounts.size() != bounds.size() + 1) {
      throw new MalformedDataException(
          "protobuf at offset "
              + offset
              + ": HistogramDataPoint has "
              + bucketCounts.size()
              + " bucket counts for "
              + bounds.size()
              + " bounds");
    }
    return new ReceivedHistogramPoint(
        attributes, start, time, count, sum, bucketCounts, bounds, min, max);
  }
}
