package io.synscope.agent.export.otlp;

import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.internal.marshal.Serializer;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * An OTLP request the {@link OtlpSpansEncoder} wrote: the first {@code length} bytes of its buffer,
 * handed to the SDK's exporter as they are, and the buffer handed back to the encoder once the
 * request is done with.
 */
public final class EncodedRequest extends Marshaler {
  private final byte[] buffer;
  private final int length;
  private final int spans;
  private final Consumer<byte[]> onRelease;

  EncodedRequest(byte[] buffer, int length, int spans, Consumer<byte[]> onRelease) {
    this.buffer = buffer;
    this.length = length;
    this.spans = spans;
    this.onRelease = onRelease;
  }

  /** How many spans the request holds. */
  public int spans() {
    return spans;
  }

  /** The request's bytes, a copy. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buffer, length);
  }

  /** The request has been sent, or given up on: its buffer may be written again. */
  public void release() {
    onRelease.accept(buffer);
  }

  @Override
  public int getBinarySerializedSize() {
    return length;
  }

  /** The bytes straight to the sender's stream, without a serializer over them. */
  @Override
  public MessageWriter toBinaryMessageWriter() {
    return new MessageWriter() {
      @Override
      public void writeMessage(OutputStream out) throws IOException {
        out.write(buffer, 0, length);
      }

      @Override
      public int getContentLength() {
        return length;
      }
    };
  }

  @Override
  protected void writeTo(Serializer output) throws IOException {
    // Protobuf only: the agent's OTLP exporter speaks nothing else (OtlpProtocols).
    output.writeSerializedMessage(toByteArray(), null);
  }
}
