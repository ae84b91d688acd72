package io.synscope.probe;

/**
 * The kernel's answer, or a /proc file, could not be decoded: a truncated, oversized or malformed
 * message or line. The message says what was wrong and where (byte offset or line number).
 */
public final class MalformedDataException extends ProbeException {
  private static final long serialVersionUID = 1L;

  public MalformedDataException(String message) {
    super(message);
  }
}
