package io.traceroll.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanKind;
import io.traceroll.span.StatusCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RequestGeneratorTest {

  static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  static final long NOW_NANOS = NOW.getEpochSecond() * 1_000_000_000L;

  static RequestGenerator generator(GeneratorSettings settings) {
    return new RequestGenerator(settings, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  static List<GeneratedRequest> requests(GeneratorSettings settings, int count) {
    RequestGenerator g = generator(settings);
    return LongStream.range(0, count).mapToObj(i -> g.next()).toList();
  }

  static List<Span> all(GeneratedRequest r) {
    List<Span> spans = new ArrayList<>(r.spans());
    spans.addAll(r.lateSpans());
    return spans;
  }

  static String text(Span s, String key) {
    return s.attributes().stream().filter(a -> a.key().equals(key))
        .map(a -> ((AttributeValue.StringValue) a.value()).value()).findFirst().orElse(null);
  }

  @Test
  void shouldGenerateTheSameRequestsFromTheSameSeed() {
    assertThat(requests(GeneratorSettings.defaults(7), 50))
        .isEqualTo(requests(GeneratorSettings.defaults(7), 50));
  }

  @Test
  void shouldGenerateDifferentRequestsFromAnotherSeed() {
    assertThat(requests(GeneratorSettings.defaults(7), 1).get(0).spans())
        .isNotEqualTo(requests(GeneratorSettings.defaults(8), 1).get(0).spans());
  }

  @Test
  void shouldGenerateExactlyTheDrawnSizeWithinTheSmallRange() {
    List<Integer> sizes = requests(GeneratorSettings.defaults(1).withSizes(SizeMix.smallOnly()),
        500).stream().map(GeneratedRequest::spanCount).toList();

    assertThat(sizes).allSatisfy(n -> assertThat(n).isBetween(5, 50));
    assertThat(new HashSet<>(sizes)).contains(5, 50);
  }

  @Test
  void shouldGenerateAHugeRequestOfExactlyTheConfiguredSize() {
    SizeMix onlyHuge = new SizeMix(5, 50, 0, 1_000, 1.0, 20_000);

    GeneratedRequest huge = requests(GeneratorSettings.defaults(3).withSizes(onlyHuge), 1).get(0);

    assertThat(huge.spanCount()).isEqualTo(20_000);
    assertThat(all(huge).stream().map(Span::spanId).distinct().count()).isEqualTo(20_000);
  }

  @Test
  void shouldMixSizesAsConfigured() {
    SizeMix mix = new SizeMix(5, 50, 0.2, 1_000, 0, 20_000);

    long large = requests(GeneratorSettings.defaults(5).withSizes(mix), 400).stream()
        .filter(r -> r.spanCount() >= 900).count();

    assertThat(large).isBetween(50L, 110L); // 80 expected
  }

  @Test
  void shouldCallAcrossAllTwelveServices() {
    Set<String> services = requests(GeneratorSettings.defaults(2), 300).stream()
        .flatMap(r -> all(r).stream()).map(Span::serviceName).collect(Collectors.toSet());

    assertThat(services).containsExactlyInAnyOrder("gateway", "auth", "users", "orders",
        "payments", "inventory", "shipping", "search", "recommendations", "notifications",
        "pricing", "email-worker");
  }

  @Test
  void shouldGiveEveryTraceOneRootAndParentsInsideTheTrace() {
    for (GeneratedRequest r : requests(GeneratorSettings.defaults(4), 200)) {
      Map<String, List<Span>> byTrace = all(r).stream()
          .collect(Collectors.groupingBy(Span::traceId));
      assertThat(byTrace.keySet()).containsExactlyInAnyOrderElementsOf(r.traceIds());
      byTrace.values().forEach(trace -> {
        Set<String> ids = trace.stream().map(Span::spanId).collect(Collectors.toSet());
        assertThat(trace.stream().filter(Span::isRoot)).hasSize(1);
        assertThat(trace).filteredOn(s -> !s.isRoot())
            .allSatisfy(s -> assertThat(ids).contains(s.parentSpanId()));
      });
    }
  }

  @Test
  void shouldPutTheRequestIdOnEachTraceEntrySpanOnly() {
    for (GeneratedRequest r : requests(GeneratorSettings.defaults(6), 200)) {
      for (Span s : all(r)) {
        if (s.isRoot()) {
          assertThat(text(s, RequestGenerator.REQUEST_ID)).isEqualTo(r.requestId());
        } else {
          assertThat(text(s, RequestGenerator.REQUEST_ID)).isNull();
        }
      }
    }
  }

  @Test
  void shouldStartAsyncWorkInANewTraceLinkedToItsProducer() {
    List<GeneratedRequest> withAsync = requests(GeneratorSettings.defaults(8).withAsyncRate(1),
        100).stream().filter(r -> r.traceIds().size() > 1).toList();

    assertThat(withAsync).isNotEmpty();
    for (GeneratedRequest r : withAsync) {
      Map<String, Span> byId = all(r).stream()
          .collect(Collectors.toMap(Span::spanId, s -> s));
      List<Span> consumers = all(r).stream()
          .filter(s -> s.kind() == SpanKind.CONSUMER && s.isRoot()).toList();
      assertThat(consumers).hasSize(r.traceIds().size() - 1);
      for (Span c : consumers) {
        Span producer = byId.get(c.links().get(0).spanId());
        assertThat(producer.kind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(producer.traceId()).isNotEqualTo(c.traceId());
        assertThat(c.startNanos()).isGreaterThan(producer.endNanos() - 2_000_000); // skew
      }
    }
  }

  @Test
  void shouldRecordFailuresAsExceptionEventsWithJavaStackTraces() {
    List<GeneratedRequest> failed = requests(GeneratorSettings.defaults(9).withErrorRate(1), 50);

    for (GeneratedRequest r : failed) {
      assertThat(r.hasError()).isTrue();
      List<Span> errors = all(r).stream().filter(s -> s.statusCode() == StatusCode.ERROR).toList();
      assertThat(errors).isNotEmpty();
      SpanEvent exception = errors.stream().flatMap(s -> s.events().stream())
          .filter(e -> e.name().equals("exception")).findFirst().orElseThrow();
      Map<String, String> attrs = exception.attributes().stream()
          .filter(a -> a.value() instanceof AttributeValue.StringValue)
          .collect(Collectors.toMap(Attribute::key,
              a -> ((AttributeValue.StringValue) a.value()).value()));
      assertThat(attrs).containsKeys("exception.type", "exception.message");
      assertThat(attrs.get("exception.stacktrace"))
          .startsWith(attrs.get("exception.type") + ": ")
          .contains("\n\tat ").containsPattern("\\(\\w+\\.java:\\d+\\)");
    }
  }

  @Test
  void shouldPropagateAFailureUpToTheRootOfItsTrace() {
    for (GeneratedRequest r : requests(GeneratorSettings.defaults(10).withErrorRate(1), 50)) {
      Span thrower = all(r).stream().filter(s -> s.events().stream()
          .anyMatch(e -> e.name().equals("exception"))).findFirst().orElseThrow();
      Map<String, Span> byId = all(r).stream().collect(Collectors.toMap(Span::spanId, s -> s));
      for (Span s = thrower; s != null; s = byId.get(s.parentSpanId())) {
        assertThat(s.statusCode()).isEqualTo(StatusCode.ERROR);
      }
    }
  }

  @Test
  void shouldHoldBackTheSpansOfOneServiceAsLate() {
    List<GeneratedRequest> late = requests(
        GeneratorSettings.defaults(11).withLateSpans(1, Duration.ofSeconds(5)), 50);

    for (GeneratedRequest r : late) {
      assertThat(r.lateSpans()).isNotEmpty();
      assertThat(r.lateSpans().stream().map(Span::serviceName).distinct()).hasSize(1)
          .doesNotContain("gateway");
      assertThat(r.spans()).noneMatch(s -> s.serviceName().equals(
          r.lateSpans().get(0).serviceName()));
    }
  }

  @Test
  void shouldTimeRequestsFromTheClock() {
    GeneratedRequest r = requests(GeneratorSettings.defaults(12), 1).get(0);
    Span root = r.spans().stream()
        .filter(s -> s.isRoot() && s.serviceName().equals("gateway")).findFirst().orElseThrow();

    assertThat(root.startNanos()).isEqualTo(NOW_NANOS);
    assertThat(all(r)).allSatisfy(s -> {
      assertThat(s.endNanos()).isGreaterThan(s.startNanos());
      assertThat(s.startNanos()).isBetween(NOW_NANOS - 5_000_000, NOW_NANOS + 10_000_000_000L);
    });
  }

  @Test
  void shouldReportThreadsOnlyOnJvmServices() {
    Set<String> jvm = Set.of("auth", "users", "orders", "payments", "notifications",
        "email-worker");
    List<Span> spans = requests(GeneratorSettings.defaults(13), 200).stream()
        .flatMap(r -> all(r).stream()).toList();

    assertThat(spans).filteredOn(s -> s.tid() != 0)
        .isNotEmpty()
        .allSatisfy(s -> {
          assertThat(jvm).contains(s.serviceName());
          assertThat(s.threadName()).isNotBlank();
        });
  }

  @Test
  void shouldDescribeEachServiceInstanceWithResourceAttributes() {
    Span any = requests(GeneratorSettings.defaults(14), 1).get(0).spans().get(0);

    assertThat(any.resourceAttributes()).extracting(Attribute::key)
        .contains("service.name", "service.version", "host.name", "service.instance.id");
    assertThat(any.resourceAttributes()).contains(
        Attribute.of("service.instance.id", any.serviceInstance()),
        Attribute.of("service.name", any.serviceName()));
  }

  @Test
  void shouldUseSemanticConventionAttributesByKindOfCall() {
    List<Span> spans = requests(GeneratorSettings.defaults(15).withAsyncRate(1), 100).stream()
        .flatMap(r -> all(r).stream()).toList();
    Set<String> keys = spans.stream().flatMap(s -> s.attributes().stream())
        .map(Attribute::key).collect(Collectors.toSet());

    assertThat(keys).contains("http.request.method", "http.route", "http.response.status_code",
        "db.system", "db.statement", "rpc.system", "rpc.method", "messaging.system",
        "messaging.destination.name", "net.peer.name");
  }
}
