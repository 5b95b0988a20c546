package io.traceroll.serdes;

/**
 * A record that cannot be decoded at all. {@link #reason()} is a short stable code
 * (e.g. {@code malformed_json}, {@code unknown_schema_fingerprint}) used as a metric tag and
 * dead-letter header; the message carries the detail.
 */
public class SpanDecodeException extends Exception {
  private final String reason;

  public SpanDecodeException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public SpanDecodeException(String reason, String message) {
    this(reason, message, null);
  }

  public String reason() {
    return reason;
  }
}
