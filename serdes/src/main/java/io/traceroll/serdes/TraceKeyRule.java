package io.traceroll.serdes;

import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Span;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * What groups spans into one request archive. Most deployments group by trace id; some correlate
 * requests that span several traces (async hand-offs, retries) by a business id carried as a span or
 * resource attribute, or by a Kafka record header set by the producer.
 *
 * <p>{@link #candidateKey} returns {@code null} when the span does not carry the key; the topology
 * resolves such spans from their siblings rather than inventing a key here.
 */
public sealed interface TraceKeyRule {

  /** The key this span offers, or null when absent. {@code headers} may be empty, never null. */
  String candidateKey(Span span, Headers headers);

  /** Config form, the inverse of {@link #parse}. */
  String configValue();

  static TraceKeyRule traceId() {
    return TraceIdRule.INSTANCE;
  }

  static TraceKeyRule attribute(String name) {
    return new AttributeRule(name);
  }

  static TraceKeyRule header(String name) {
    return new HeaderRule(name);
  }

  /**
   * Parses {@code trace_id}, {@code attribute:<name>} or {@code header:<name>} (prefix in any case).
   *
   * @throws IllegalArgumentException for anything else, so a typo fails at startup
   */
  static TraceKeyRule parse(String config) {
    Objects.requireNonNull(config, "config");
    String trimmed = config.trim();
    String lower = trimmed.toLowerCase(Locale.ROOT);
    if (lower.equals("trace_id") || lower.equals("trace-id") || lower.equals("traceid")) {
      return traceId();
    }
    int colon = trimmed.indexOf(':');
    if (colon > 0 && colon < trimmed.length() - 1) {
      String kind = lower.substring(0, colon);
      String name = trimmed.substring(colon + 1);
      if (kind.equals("attribute")) {
        return attribute(name);
      }
      if (kind.equals("header")) {
        return header(name);
      }
    }
    throw new IllegalArgumentException(
        "trace key rule must be trace_id, attribute:<name> or header:<name>, got '" + config + "'");
  }

  /** The trace id itself: every span carries it, so the key is never absent for a valid span. */
  enum TraceIdRule implements TraceKeyRule {
    INSTANCE;

    @Override
    public String candidateKey(Span span, Headers headers) {
      String id = span.traceId();
      return id.isEmpty() ? null : id;
    }

    @Override
    public String configValue() {
      return "trace_id";
    }
  }

  /**
   * A span attribute, else a resource attribute of that name: the span's own value wins because it
   * is the more specific statement about this request.
   */
  record AttributeRule(String name) implements TraceKeyRule {
    public AttributeRule {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("attribute name must not be empty");
      }
    }

    @Override
    public String candidateKey(Span span, Headers headers) {
      String v = find(span.attributes());
      return v != null ? v : find(span.resourceAttributes());
    }

    private String find(List<Attribute> attributes) {
      for (int i = 0; i < attributes.size(); i++) {
        Attribute a = attributes.get(i);
        if (a.key().equals(name)) {
          return keyText(a.value());
        }
      }
      return null;
    }

    /** Scalars only: an array or map is not an identifier, so it counts as absent. */
    private static String keyText(AttributeValue value) {
      String s;
      if (value instanceof AttributeValue.StringValue v) {
        s = v.value();
      } else if (value instanceof AttributeValue.LongValue v) {
        s = Long.toString(v.value());
      } else if (value instanceof AttributeValue.BoolValue v) {
        s = Boolean.toString(v.value());
      } else if (value instanceof AttributeValue.DoubleValue v) {
        s = Double.toString(v.value());
      } else if (value instanceof AttributeValue.BytesValue v) {
        s = TraceIds.toHex(v.value());
      } else {
        s = null;
      }
      return s == null || s.isEmpty() ? null : s;
    }

    @Override
    public String configValue() {
      return "attribute:" + name;
    }
  }

  /** A Kafka record header (UTF-8); the last one wins as with Kafka's own {@code lastHeader}. */
  record HeaderRule(String name) implements TraceKeyRule {
    public HeaderRule {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("header name must not be empty");
      }
    }

    @Override
    public String candidateKey(Span span, Headers headers) {
      Header h = headers.lastHeader(name);
      if (h == null || h.value() == null || h.value().length == 0) {
        return null;
      }
      return new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public String configValue() {
      return "header:" + name;
    }
  }
}
