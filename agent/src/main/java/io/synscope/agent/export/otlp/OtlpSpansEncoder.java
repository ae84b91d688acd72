package io.synscope.agent.export.otlp;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.internal.InternalAttributeKeyImpl;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.internal.otlp.InstrumentationScopeMarshaler;
import io.opentelemetry.exporter.internal.otlp.ResourceMarshaler;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.synscope.agent.export.RequestSize;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * Encodes spans as an OTLP {@code ExportTraceServiceRequest} (opentelemetry/proto/collector/trace/
 * v1/trace_service.proto, trace/v1/trace.proto), byte for byte what the SDK's own marshalers write
 * for the same spans (of one resource and scope, as the agent's are; of several, the same groups in
 * another order), in one pass over them and without the SDK's per-span marshaler objects or its
 * cache of trace ids. The agent exports tens of thousands of connection spans a second, and the
 * SDK's marshaling was most of the exporting threads' time.
 *
 * <p>Resources and instrumentation scopes, a handful per process, are written by the SDK's
 * marshalers and their bytes kept. One encoder per exporter, whose exports the batch processor
 * makes one at a time.
 */
public final class OtlpSpansEncoder {
  // ExportTraceServiceRequest, ResourceSpans, ScopeSpans
  private static final int REQUEST_RESOURCE_SPANS = 1;
  private static final int RESOURCE_SPANS_RESOURCE = 1;
  private static final int RESOURCE_SPANS_SCOPE_SPANS = 2;
  private static final int RESOURCE_SPANS_SCHEMA_URL = 3;
  private static final int SCOPE_SPANS_SCOPE = 1;
  private static final int SCOPE_SPANS_SPANS = 2;
  private static final int SCOPE_SPANS_SCHEMA_URL = 3;
  // Span
  private static final int SPAN_TRACE_ID = 1;
  private static final int SPAN_SPAN_ID = 2;
  private static final int SPAN_TRACE_STATE = 3;
  private static final int SPAN_PARENT_SPAN_ID = 4;
  private static final int SPAN_NAME = 5;
  private static final int SPAN_KIND = 6;
  private static final int SPAN_START_TIME = 7;
  private static final int SPAN_END_TIME = 8;
  private static final int SPAN_ATTRIBUTES = 9;
  private static final int SPAN_DROPPED_ATTRIBUTES = 10;
  private static final int SPAN_EVENTS = 11;
  private static final int SPAN_DROPPED_EVENTS = 12;
  private static final int SPAN_LINKS = 13;
  private static final int SPAN_DROPPED_LINKS = 14;
  private static final int SPAN_STATUS = 15;
  private static final int SPAN_FLAGS = 16;
  // Span.Event, Span.Link, Status
  private static final int EVENT_TIME = 1;
  private static final int EVENT_NAME = 2;
  private static final int EVENT_ATTRIBUTES = 3;
  private static final int EVENT_DROPPED_ATTRIBUTES = 4;
  private static final int LINK_TRACE_ID = 1;
  private static final int LINK_SPAN_ID = 2;
  private static final int LINK_TRACE_STATE = 3;
  private static final int LINK_ATTRIBUTES = 4;
  private static final int LINK_DROPPED_ATTRIBUTES = 5;
  private static final int LINK_FLAGS = 6;
  private static final int STATUS_MESSAGE = 2;
  private static final int STATUS_CODE = 3;
  // common/v1/common.proto: KeyValue, AnyValue, ArrayValue
  private static final int KEY_VALUE_KEY = 1;
  private static final int KEY_VALUE_VALUE = 2;
  private static final int ANY_STRING = 1;
  private static final int ANY_BOOL = 2;
  private static final int ANY_INT = 3;
  private static final int ANY_DOUBLE = 4;
  private static final int ANY_ARRAY = 5;
  private static final int ARRAY_VALUES = 1;
  // SpanFlags (trace.proto): the parent's is-remote bit, and that the bit is known
  private static final int FLAGS_HAS_IS_REMOTE = 0x100;
  private static final int FLAGS_IS_REMOTE = 0x200;

  /** Bytes reserved for a span's length: two hold up to 16 KiB, more than a connection span. */
  private static final int SPAN_LENGTH_BYTES = 2;

  /** Bytes reserved for the length of a resource's or scope's spans, all of a batch. */
  private static final int BATCH_LENGTH_BYTES = 3;

  private static final int INITIAL_BUFFER_BYTES = 64 * 1024;

  /**
   * A buffer larger than this is left to the collector rather than kept: a request may be up to
   * {@link RequestSize#MAX_BYTES} long, and the agent's default batch (4,096 spans, about 1.8 MiB)
   * fits well below.
   */
  private static final int MAX_KEPT_BUFFER_BYTES = RequestSize.MAX_BYTES;

  private final ProtoWriter out = new ProtoWriter();
  private final int maxRequestBytes;

  /**
   * The buffer of a request that was sent, for the next one: a batch of the agent's spans is a few
   * hundred KiB, which would otherwise be a new array, zeroed, per export.
   */
  private final AtomicReference<byte[]> spare = new AtomicReference<>();

  private final AttributeWriter attributeWriter = new AttributeWriter();
  private Resource lastResource;
  private byte[] lastResourceBytes;
  private InstrumentationScopeInfo lastScope;
  private byte[] lastScopeBytes;

  // The request being written: where its open resource and scope began, and what they hold.
  private final List<EncodedRequest> requests = new ArrayList<>(1);
  private Resource resource;
  private InstrumentationScopeInfo scope;
  private long resourceMark;
  private long scopeMark;
  private int resourceStart;
  private int scopeStart;
  private int spansInRequest;
  private int spansInResource;
  private int spansInScope;

  public OtlpSpansEncoder() {
    this(RequestSize.MAX_BYTES);
  }

  /** An encoder whose requests are at most {@code maxRequestBytes} long, but for a larger span. */
  public OtlpSpansEncoder(int maxRequestBytes) {
    this.maxRequestBytes = maxRequestBytes;
  }

  /**
   * The spans as requests of at most the maximum size each (a span larger than that alone in its
   * request), in order, each what the SDK would write for its spans; one request for a batch that
   * fits. Null when a span holds something this encoder does not write (an attribute of a type
   * newer than it): the caller then lets the SDK encode the batch. {@link EncodedRequest#release}
   * gives a request's buffer back once it has been sent.
   */
  public synchronized List<EncodedRequest> encode(Collection<SpanData> spans) {
    requests.clear();
    beginRequest();
    try {
      for (Map.Entry<Resource, Map<InstrumentationScopeInfo, List<SpanData>>> byResource :
          group(spans).entrySet()) {
        beginResource(byResource.getKey());
        for (Map.Entry<InstrumentationScopeInfo, List<SpanData>> byScope :
            byResource.getValue().entrySet()) {
          beginScope(byScope.getKey());
          int tail = tailBytes();
          for (SpanData span : byScope.getValue()) {
            int before = out.size();
            writeSpan(span);
            if (out.size() + tail > maxRequestBytes && spansInRequest > 0) {
              out.truncate(before);
              endRequest();
              beginRequest();
              beginResource(byResource.getKey());
              beginScope(byScope.getKey());
              writeSpan(span);
            }
            spansInRequest++;
            spansInResource++;
            spansInScope++;
          }
          endScope();
        }
        endResource();
      }
    } catch (UnsupportedValueException e) {
      keep(out.buffer());
      requests.forEach(EncodedRequest::release);
      requests.clear();
      return null;
    }
    endRequest();
    List<EncodedRequest> encoded = List.copyOf(requests);
    requests.clear();
    return encoded;
  }

  private void beginRequest() {
    byte[] buffer = spare.getAndSet(null);
    out.reset(buffer != null ? buffer : new byte[INITIAL_BUFFER_BYTES]);
    spansInRequest = 0;
  }

  /** Ends the open scope and resource, leaving out those the request has no span of. */
  private void endRequest() {
    if (scope != null) {
      endScope();
    }
    if (resource != null) {
      endResource();
    }
    requests.add(new EncodedRequest(out.buffer(), out.size(), spansInRequest, this::keep));
  }

  private void beginResource(Resource r) {
    resource = r;
    resourceStart = out.size();
    resourceMark = out.beginMessage(REQUEST_RESOURCE_SPANS, BATCH_LENGTH_BYTES);
    writeMessageBytes(RESOURCE_SPANS_RESOURCE, resourceBytes(r));
    spansInResource = 0;
  }

  private void endResource() {
    if (spansInResource == 0 && spansInRequest > 0) {
      out.truncate(resourceStart);
    } else {
      writeString(RESOURCE_SPANS_SCHEMA_URL, resource.getSchemaUrl());
      out.endMessage(resourceMark);
    }
    resource = null;
  }

  private void beginScope(InstrumentationScopeInfo s) {
    scope = s;
    scopeStart = out.size();
    scopeMark = out.beginMessage(RESOURCE_SPANS_SCOPE_SPANS, BATCH_LENGTH_BYTES);
    writeMessageBytes(SCOPE_SPANS_SCOPE, scopeBytes(s));
    spansInScope = 0;
  }

  private void endScope() {
    if (spansInScope == 0 && spansInRequest > 0) {
      out.truncate(scopeStart);
    } else {
      writeString(SCOPE_SPANS_SCHEMA_URL, scope.getSchemaUrl());
      out.endMessage(scopeMark);
    }
    scope = null;
  }

  /**
   * What ending the open scope and resource adds to a request: their schema URLs, and a byte more
   * for each length once the request passes 2 MiB (three bytes were reserved for it).
   */
  private int tailBytes() {
    return stringFieldBytes(scope.getSchemaUrl()) + stringFieldBytes(resource.getSchemaUrl()) + 2;
  }

  private static int stringFieldBytes(String value) {
    if (value == null || value.isEmpty()) {
      return 0;
    }
    int utf8 = value.getBytes(StandardCharsets.UTF_8).length;
    return 1 + ProtoWriter.varintSize(utf8) + utf8;
  }

  private void keep(byte[] buffer) {
    if (buffer.length <= MAX_KEPT_BUFFER_BYTES) {
      spare.set(buffer);
    }
  }

  /**
   * Spans by resource, then by scope, in the order they first appear. The SDK's marshaler groups
   * them too, by identity and in no set order; a request's meaning is the same. The agent's batches
   * have one resource and one scope: checked by identity first, without a map.
   */
  private static Map<Resource, Map<InstrumentationScopeInfo, List<SpanData>>> group(
      Collection<SpanData> spans) {
    Map<Resource, Map<InstrumentationScopeInfo, List<SpanData>>> byResource = new LinkedHashMap<>();
    if (spans.isEmpty()) {
      return byResource;
    }
    SpanData first = spans.iterator().next();
    Resource resource = first.getResource();
    InstrumentationScopeInfo scope = first.getInstrumentationScopeInfo();
    boolean one = true;
    for (SpanData span : spans) {
      if (span.getResource() != resource || span.getInstrumentationScopeInfo() != scope) {
        one = false;
        break;
      }
    }
    if (one) {
      Map<InstrumentationScopeInfo, List<SpanData>> byScope = new LinkedHashMap<>();
      byScope.put(scope, spans instanceof List ? (List<SpanData>) spans : new ArrayList<>(spans));
      byResource.put(resource, byScope);
      return byResource;
    }
    for (SpanData span : spans) {
      byResource
          .computeIfAbsent(span.getResource(), r -> new LinkedHashMap<>())
          .computeIfAbsent(span.getInstrumentationScopeInfo(), s -> new ArrayList<>())
          .add(span);
    }
    return byResource;
  }

  private void writeSpan(SpanData span) {
    long message = out.beginMessage(SCOPE_SPANS_SPANS, SPAN_LENGTH_BYTES);
    SpanContext context = span.getSpanContext();
    SpanContext parent = span.getParentSpanContext();
    writeHexBytes(SPAN_TRACE_ID, context.getTraceId());
    writeHexBytes(SPAN_SPAN_ID, context.getSpanId());
    writeTraceState(SPAN_TRACE_STATE, context.getTraceState());
    if (parent.isValid()) {
      writeHexBytes(SPAN_PARENT_SPAN_ID, parent.getSpanId());
    }
    writeString(SPAN_NAME, span.getName());
    writeEnum(SPAN_KIND, kind(span.getKind()));
    writeFixed64(SPAN_START_TIME, span.getStartEpochNanos());
    writeFixed64(SPAN_END_TIME, span.getEndEpochNanos());
    writeAttributes(SPAN_ATTRIBUTES, span.getAttributes());
    writeUint32(
        SPAN_DROPPED_ATTRIBUTES, span.getTotalAttributeCount() - span.getAttributes().size());
    List<EventData> events = span.getEvents();
    for (int i = 0; i < events.size(); i++) {
      writeEvent(events.get(i));
    }
    writeUint32(SPAN_DROPPED_EVENTS, span.getTotalRecordedEvents() - events.size());
    List<LinkData> links = span.getLinks();
    for (int i = 0; i < links.size(); i++) {
      writeLink(links.get(i));
    }
    writeUint32(SPAN_DROPPED_LINKS, span.getTotalRecordedLinks() - links.size());
    writeStatus(span.getStatus());
    writeFlags(SPAN_FLAGS, context.getTraceFlags().asByte(), parent.isRemote());
    out.endMessage(message);
  }

  private void writeEvent(EventData event) {
    long message = out.beginMessage(SPAN_EVENTS, SPAN_LENGTH_BYTES);
    writeFixed64(EVENT_TIME, event.getEpochNanos());
    writeString(EVENT_NAME, event.getName());
    writeAttributes(EVENT_ATTRIBUTES, event.getAttributes());
    writeUint32(
        EVENT_DROPPED_ATTRIBUTES, event.getTotalAttributeCount() - event.getAttributes().size());
    out.endMessage(message);
  }

  private void writeLink(LinkData link) {
    long message = out.beginMessage(SPAN_LINKS, SPAN_LENGTH_BYTES);
    SpanContext context = link.getSpanContext();
    writeHexBytes(LINK_TRACE_ID, context.getTraceId());
    writeHexBytes(LINK_SPAN_ID, context.getSpanId());
    writeTraceState(LINK_TRACE_STATE, context.getTraceState());
    writeAttributes(LINK_ATTRIBUTES, link.getAttributes());
    writeUint32(
        LINK_DROPPED_ATTRIBUTES, link.getTotalAttributeCount() - link.getAttributes().size());
    writeFlags(LINK_FLAGS, context.getTraceFlags().asByte(), context.isRemote());
    out.endMessage(message);
  }

  private void writeStatus(StatusData status) {
    long message = out.beginMessage(SPAN_STATUS, 1);
    writeString(STATUS_MESSAGE, status.getDescription());
    writeEnum(STATUS_CODE, code(status.getStatusCode()));
    out.endMessage(message);
  }

  private void writeAttributes(int field, Attributes attributes) {
    if (attributes.isEmpty()) {
      return;
    }
    attributeWriter.field = field;
    attributes.forEach(attributeWriter);
  }

  /** Writes each attribute as a KeyValue; a reused consumer, so nothing is allocated per span. */
  private final class AttributeWriter implements BiConsumer<AttributeKey<?>, Object> {
    int field;

    @Override
    public void accept(AttributeKey<?> key, Object value) {
      long keyValue = out.beginMessage(field, 1);
      out.tag(KEY_VALUE_KEY, ProtoWriter.LEN);
      if (key instanceof InternalAttributeKeyImpl) {
        byte[] utf8 = ((InternalAttributeKeyImpl<?>) key).getKeyUtf8();
        out.varint32(utf8.length);
        out.bytes(utf8);
      } else {
        out.stringValue(key.getKey());
      }
      long anyValue = out.beginMessage(KEY_VALUE_VALUE, 1);
      writeValue(key.getType(), value);
      out.endMessage(anyValue);
      out.endMessage(keyValue);
    }

    /** An AnyValue's one field; an array's elements each an AnyValue of the element type. */
    private void writeValue(AttributeType type, Object value) {
      switch (type) {
        case STRING:
          out.tag(ANY_STRING, ProtoWriter.LEN);
          out.stringValue((String) value);
          break;
        case BOOLEAN:
          out.tag(ANY_BOOL, ProtoWriter.VARINT);
          out.varint32((Boolean) value ? 1 : 0);
          break;
        case LONG:
          out.tag(ANY_INT, ProtoWriter.VARINT);
          out.varint64((Long) value);
          break;
        case DOUBLE:
          out.tag(ANY_DOUBLE, ProtoWriter.I64);
          out.fixed64(Double.doubleToRawLongBits((Double) value));
          break;
        case STRING_ARRAY:
          writeArray(AttributeType.STRING, (List<?>) value);
          break;
        case BOOLEAN_ARRAY:
          writeArray(AttributeType.BOOLEAN, (List<?>) value);
          break;
        case LONG_ARRAY:
          writeArray(AttributeType.LONG, (List<?>) value);
          break;
        case DOUBLE_ARRAY:
          writeArray(AttributeType.DOUBLE, (List<?>) value);
          break;
        default: // VALUE, any value at all: the SDK writes those
          throw UnsupportedValueException.INSTANCE;
      }
    }

    private void writeArray(AttributeType elementType, List<?> values) {
      long array = out.beginMessage(ANY_ARRAY, 1);
      for (int i = 0; i < values.size(); i++) {
        long element = out.beginMessage(ARRAY_VALUES, 1);
        writeValue(elementType, values.get(i));
        out.endMessage(element);
      }
      out.endMessage(array);
    }
  }

  // proto3: a scalar field at its default value is not written.

  private void writeString(int field, String value) {
    if (value != null && !value.isEmpty()) {
      out.tag(field, ProtoWriter.LEN);
      out.stringValue(value);
    }
  }

  private void writeHexBytes(int field, String hex) {
    out.tag(field, ProtoWriter.LEN);
    out.hexBytesValue(hex);
  }

  private void writeEnum(int field, int value) {
    if (value != 0) {
      out.tag(field, ProtoWriter.VARINT);
      out.varint32(value);
    }
  }

  private void writeUint32(int field, int value) {
    if (value != 0) {
      out.tag(field, ProtoWriter.VARINT);
      out.varint32(value);
    }
  }

  private void writeFixed64(int field, long value) {
    if (value != 0) {
      out.tag(field, ProtoWriter.I64);
      out.fixed64(value);
    }
  }

  private void writeFlags(int field, byte traceFlags, boolean parentRemote) {
    out.tag(field, ProtoWriter.I32);
    out.fixed32((traceFlags & 0xFF) | FLAGS_HAS_IS_REMOTE | (parentRemote ? FLAGS_IS_REMOTE : 0));
  }

  /** W3C tracestate's text, {@code key=value} pairs joined by commas, as the SDK writes it. */
  private void writeTraceState(int field, TraceState state) {
    if (state.isEmpty()) {
      return;
    }
    StringBuilder text = new StringBuilder();
    state.forEach(
        (key, value) -> {
          if (text.length() > 0) {
            text.append(',');
          }
          text.append(key).append('=').append(value);
        });
    writeString(field, text.toString());
  }

  private void writeMessageBytes(int field, byte[] content) {
    out.tag(field, ProtoWriter.LEN);
    out.varint32(content.length);
    out.bytes(content);
  }

  private byte[] resourceBytes(Resource resource) {
    if (resource != lastResource) {
      lastResourceBytes = marshaled(ResourceMarshaler.create(resource));
      lastResource = resource;
    }
    return lastResourceBytes;
  }

  private byte[] scopeBytes(InstrumentationScopeInfo scope) {
    if (scope != lastScope) {
      lastScopeBytes = marshaled(InstrumentationScopeMarshaler.create(scope));
      lastScope = scope;
    }
    return lastScopeBytes;
  }

  private static byte[] marshaled(Marshaler marshaler) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(marshaler.getBinarySerializedSize());
    try {
      marshaler.writeBinaryTo(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
    }
    return bytes.toByteArray();
  }

  /** trace.proto's Span.SpanKind. */
  private static int kind(SpanKind kind) {
    switch (kind) {
      case INTERNAL:
        return 1;
      case SERVER:
        return 2;
      case CLIENT:
        return 3;
      case PRODUCER:
        return 4;
      case CONSUMER:
        return 5;
      default:
        return 0;
    }
  }

  /** trace.proto's Status.StatusCode. */
  private static int code(StatusCode code) {
    switch (code) {
      case OK:
        return 1;
      case ERROR:
        return 2;
      default:
        return 0;
    }
  }

  /** A value this encoder does not write; thrown without a stack trace, caught in encode. */
  private static final class UnsupportedValueException extends RuntimeException {
    static final UnsupportedValueException INSTANCE = new UnsupportedValueException();

    private UnsupportedValueException() {
      super("an attribute value the encoder does not write", null, false, false);
    }
  }
}
