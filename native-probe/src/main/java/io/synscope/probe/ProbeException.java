package io.synscope.probe;

/** Base of the probe's failures; each subtype's message names what went wrong. */
public class ProbeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ProbeException(String message) {
    super(message);
  }

  public ProbeException(String message, Throwable cause) {
    super(message, cause);
  }
}
