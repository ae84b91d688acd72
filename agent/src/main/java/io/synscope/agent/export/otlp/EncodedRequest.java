package io.synscope.agent.export.otlp;

import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.internal.marshal.Serializer;
import java.io.IOException;

/** An OTLP request the {@link OtlpSpansEncoder} wrote, handed to the SDK's exporter as it is. */
final class EncodedRequest extends Marshaler {
  private final byte[] protobuf;

  EncodedRequest(byte[] protobuf) {
    this.protobuf = protobuf;
  }

  @Override
  public int getBinarySerializedSize() {
    return protobuf.length;
  }

  @Override
  protected void writeTo(Serializer output) throws IOException {
    // Protobuf only: the agent's OTLP exporter speaks nothing else (OtlpProtocols).
    output.writeSerializedMessage(protobuf, null);
  }
}
