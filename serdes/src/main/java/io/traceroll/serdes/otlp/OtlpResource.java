package io.traceroll.serdes.otlp;

import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Mark;
import java.util.List;

/**
 * What one OTLP {@code Resource} contributes to each of its spans, worked out once per resource
 * rather than once per span (a resource typically carries hundreds of spans).
 */
record OtlpResource(
    List<Attribute> attributes, String serviceName, String serviceInstance, int pid,
    List<Mark> marks) {

  static final String UNKNOWN_SERVICE = "unknown_service";

  static OtlpResource of(List<Attribute> attributes) {
    String service = null;
    String instanceId = null;
    String host = null;
    int pid = 0;
    for (int i = 0; i < attributes.size(); i++) {
      Attribute a = attributes.get(i);
      switch (a.key()) {
        case "service.name" -> service = text(a.value());
        case "service.instance.id" -> instanceId = text(a.value());
        case "host.name" -> host = text(a.value());
        case "process.pid" -> pid = pid(a.value());
        default -> { }
      }
    }
    List<Mark> marks = List.of();
    if (service == null || service.isEmpty()) {
      // The OTel SDK spec's own fallback name, so it matches what other backends show.
      service = UNKNOWN_SERVICE;
      marks = List.of(new Mark("missing_service_name", "resource has no service.name"));
    }
    String instance = instanceId != null && !instanceId.isEmpty() ? instanceId : host;
    return new OtlpResource(List.copyOf(attributes), service, instance, pid, marks);
  }

  private static String text(AttributeValue v) {
    if (v instanceof AttributeValue.StringValue s) {
      return s.value();
    }
    if (v instanceof AttributeValue.LongValue l) {
      return Long.toString(l.value());
    }
    return null;
  }

  /** process.pid is an int by semantic conventions, but some SDKs send it as a string. */
  private static int pid(AttributeValue v) {
    long pid = 0;
    if (v instanceof AttributeValue.LongValue l) {
      pid = l.value();
    } else if (v instanceof AttributeValue.StringValue s) {
      pid = parseNonNegative(s.value());
    }
    return pid > 0 && pid <= Integer.MAX_VALUE ? (int) pid : 0;
  }

  static long parseNonNegative(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return 0;
    }
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return 0;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
