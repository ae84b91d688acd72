package io.synscope.agent.export;

/**
 * How large one export request may be. A batch of spans can be larger than its backend takes in one
 * request: failed connects carry their stack traces, a few KiB each, and a burst of them fills a
 * batch. The backends' own limits, as configured by default: gRPC servers refuse a message over 4
 * MiB (the OpenTelemetry Collector's OTLP receiver, Jaeger, Tempo), counted before decompression; a
 * Zipkin server answers 500 to a body of about 10 MiB. A larger batch goes as several requests.
 */
public final class RequestSize {
  /** The most bytes of one request's body, uncompressed. */
  public static final int MAX_BYTES = 4 * 1024 * 1024;

  private RequestSize() {}
}
