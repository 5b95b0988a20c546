package io.traceroll.bench.topology;

import io.traceroll.span.Attribute;
import io.traceroll.span.Span;
import io.traceroll.span.SpanKind;
import io.traceroll.span.StatusCode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Requests of a given size for the topology benchmark: a root and a tree of children across a
 * dozen services, with attribute counts like OTel semantic conventions. Production code has no
 * access to the test span generator, and the benchmark ships in the product jar.
 */
final class SyntheticRequests {

  private static final String[] SERVICES = {"gateway", "checkout", "cart", "payments", "users",
      "inventory", "pricing", "shipping", "search", "reviews", "ads", "email"};
  private static final long EPOCH = 1_767_225_600_000_000_000L;

  private SyntheticRequests() {}

  static List<Span> request(int index, int size, SplittableRandom r) {
    String traceId = String.format("%016x%016x", 0x5eedL + index, r.nextLong());
    List<Span> spans = new ArrayList<>(size);
    long start = EPOCH + index * 1_000_000L;
    long duration = Math.max(1_000_000L, size * 50_000L);
    for (int i = 0; i < size; i++) {
      String service = SERVICES[i == 0 ? 0 : 1 + r.nextInt(SERVICES.length - 1)];
      int parent = i == 0 ? -1 : r.nextInt(i);
      long s = i == 0 ? start : start + 1 + r.nextLong(duration - 2);
      long e = i == 0 ? start + duration : Math.min(start + duration, s + 1 + r.nextLong(2_000_000));
      List<Attribute> attributes = new ArrayList<>(10);
      attributes.add(Attribute.of("http.request.method", "GET"));
      attributes.add(Attribute.of("url.path", "/api/v1/" + service + "/" + (i % 17)));
      attributes.add(Attribute.of("http.response.status_code", 200L));
      attributes.add(Attribute.of("server.address", service + ".svc.cluster.local"));
      attributes.add(Attribute.of("network.protocol.version", "1.1"));
      attributes.add(Attribute.of("thread.name", "worker-" + r.nextInt(16)));
      attributes.add(Attribute.of("db.rows", (long) r.nextInt(1000)));
      attributes.add(Attribute.of("cache.hit", r.nextBoolean()));
      spans.add(Span.builder()
          .traceId(traceId)
          .spanId(String.format("%016x", r.nextLong()))
          .parentSpanId(parent < 0 ? null : spans.get(parent).spanId())
          .traceKey(traceId)
          .serviceName(service)
          .serviceInstance(service + "-" + r.nextInt(3))
          .name(service + " " + (i == 0 ? "GET /checkout" : "call-" + (i % 23)))
          .kind(i == 0 ? SpanKind.SERVER : SpanKind.values()[1 + r.nextInt(4)])
          .startNanos(s)
          .endNanos(e)
          .statusCode(r.nextInt(50) == 0 ? StatusCode.ERROR : StatusCode.UNSET)
          .attributes(attributes)
          .resourceAttributes(List.of(Attribute.of("service.name", service),
              Attribute.of("deployment.environment", "prod")))
          .build());
    }
    return spans;
  }
}
