package io.synscope.agent.export;

import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.IOException;
import java.io.OutputStream;

/** A request body already encoded, for a sender: the bytes as they are. */
public record BytesMessage(byte[] bytes) implements MessageWriter {
  @Override
  public void writeMessage(OutputStream out) throws IOException {
    out.write(bytes);
  }

  @Override
  public int getContentLength() {
    return bytes.length;
  }
}
