package io.traceroll.span;

/** OpenTelemetry's span kinds; Zipkin's CLIENT/SERVER/PRODUCER/CONSUMER map onto them 1:1. */
public enum SpanKind {
  UNSPECIFIED, INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER;

  /** Category shown in the Perfetto UI ("server", "client", ...). */
  public String category() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
