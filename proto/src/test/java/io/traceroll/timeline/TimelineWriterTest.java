package io.traceroll.timeline;

import static io.traceroll.timeline.Timelines.check;
import static io.traceroll.timeline.Timelines.slice;
import static io.traceroll.span.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.traceroll.perfetto.check.CheckedCounter;
import io.traceroll.perfetto.check.CheckedFlow;
import io.traceroll.perfetto.check.CheckedSlice;
import io.traceroll.perfetto.check.CheckedTrace;
import io.traceroll.perfetto.check.CheckedTrack;
import io.traceroll.perfetto.check.TraceChecker;
import io.traceroll.perfetto.proto.Trace;
import io.traceroll.perfetto.proto.TracePacket;
import io.traceroll.perfetto.proto.TrackDescriptor;
import io.traceroll.perfetto.proto.TrackEvent;
import io.traceroll.span.Attribute;
import io.traceroll.span.AttributeValue;
import io.traceroll.span.Mark;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanKind;
import io.traceroll.span.SpanLink;
import io.traceroll.span.StatusCode;
import io.traceroll.span.TestSpans;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimelineWriterTest {
  private static final long T = TestSpans.EPOCH_START;

  private static CheckedTrack processOf(CheckedTrace trace, CheckedSlice slice) {
    CheckedTrack track = trace.track(slice.trackUuid());
    while (track.kind() != CheckedTrack.Kind.PROCESS && track.parentUuid() != 0) {
      track = trace.track(track.parentUuid());
    }
    return track;
  }

  // ------------------------------------------------------------------ processes and threads

  @Test
  void shouldDescribeEachServiceAsAProcessWithASyntheticPid() {
    Span a = Span.builder().traceId("t1").spanId("a1").serviceName("cart").serviceInstance("cart-2")
        .name("GET /cart").kind(SpanKind.SERVER).startNanos(T).endNanos(T + 100)
        .resourceAttributes(List.of(Attribute.of("service.version", "1.4.0"))).build();
    Span b = span("cart", "a2", null, T + 200, T + 300);

    CheckedTrace trace = check(List.of(a, b));

    CheckedTrack process = processOf(trace, slice(trace, "a1"));
    assertThat(process.name()).isEqualTo("cart");
    assertThat(process.pid()).isEqualTo(ProcessIds.syntheticPid("cart"));
    assertThat(process.description()).isEqualTo("cart: 2 spans; instances: cart-2; version: 1.4.0");
    assertThat(processOf(trace, slice(trace, "a2")).uuid()).isEqualTo(process.uuid());
  }

  @Test
  void shouldListEachDistinctInstanceOnceSortedHoweverManyAServiceHas() {
    // seven instances, repeated in mixed order: more than the writer keeps slots for (4)
    String[] order = {"cart-7", "cart-3", "cart-7", "cart-1", "cart-5", "cart-3", "cart-2",
        "cart-6", "cart-1", "cart-4", "cart-6", "cart-7"};
    List<Span> spans = new java.util.ArrayList<>();
    for (int k = 0; k < order.length; k++) {
      spans.add(Span.builder().traceId("t1").spanId("s" + k).serviceName("cart")
          .serviceInstance(new String(order[k])).name("op").kind(SpanKind.INTERNAL)
          .startNanos(T + 10 * k).endNanos(T + 10 * k + 5).build());
    }

    CheckedTrace trace = check(spans);

    assertThat(processOf(trace, slice(trace, "s0")).description()).isEqualTo(
        "cart: 12 spans; instances: cart-1, cart-2, cart-3, cart-4, cart-5, cart-6, cart-7");
    assertThat(slice(trace, "s11").args()).containsEntry("service_instance", "cart-7");
    assertThat(slice(trace, "s9").args()).containsEntry("service_instance", "cart-4");
  }

  @Test
  void shouldUseARealPidUnlessAnotherServiceReportsTheSamePid() {
    Span own = Span.builder().traceId("t").spanId("s1").serviceName("search").pid(4242).name("q")
        .kind(SpanKind.SERVER).startNanos(T).endNanos(T + 10).build();
    Span c1 = Span.builder().traceId("t").spanId("s2").serviceName("cart").pid(1).name("c")
        .kind(SpanKind.SERVER).startNanos(T).endNanos(T + 10).build();
    Span c2 = Span.builder().traceId("t").spanId("s3").serviceName("pricing").pid(1).name("p")
        .kind(SpanKind.SERVER).startNanos(T).endNanos(T + 10).build();

    CheckedTrace trace = check(List.of(own, c1, c2));

    assertThat(processOf(trace, slice(trace, "s1")).pid()).isEqualTo(4242);
    CheckedTrack cart = processOf(trace, slice(trace, "s2"));
    assertThat(cart.pid()).isEqualTo(ProcessIds.syntheticPid("cart"));
    assertThat(cart.description()).contains("reported pid 1 is shared with cart, pricing");
    assertThat(processOf(trace, slice(trace, "s3")).pid()).isEqualTo(ProcessIds.syntheticPid("pricing"));
  }

  @Test
  void shouldPutSpansCarryingAThreadOnThatThreadsTrack() {
    Span onThread = Span.builder().traceId("t").spanId("th").serviceName("auth").tid(77)
        .threadName("worker-7").name("login").kind(SpanKind.SERVER).startNanos(T).endNanos(T + 50)
        .build();
    Span nameOnly = Span.builder().traceId("t").spanId("tn").serviceName("auth")
        .threadName("scheduler").name("tick").kind(SpanKind.INTERNAL).startNanos(T).endNanos(T + 5)
        .build();

    CheckedTrace trace = check(List.of(onThread, nameOnly));

    CheckedTrack thread = trace.track(slice(trace, "th").trackUuid());
    assertThat(thread.kind()).isEqualTo(CheckedTrack.Kind.THREAD);
    assertThat(thread.tid()).isEqualTo(77);
    assertThat(thread.pid()).isEqualTo(ProcessIds.syntheticPid("auth"));
    assertThat(thread.name()).isEqualTo("worker-7");
    CheckedTrack named = trace.track(slice(trace, "tn").trackUuid());
    assertThat(named.kind()).isEqualTo(CheckedTrack.Kind.THREAD);
    assertThat(named.name()).isEqualTo("scheduler");
    assertThat(named.tid()).isNotEqualTo(77).isNotZero();
  }

  @Test
  void shouldMoveOverlappingSpansOfOneThreadToAnOverflowLaneBesideIt() {
    Span.Builder onWorker = Span.builder().traceId("t").serviceName("auth").tid(7).threadName("worker-7")
        .kind(SpanKind.INTERNAL);
    Span first = onWorker.spanId("w1").name("a").startNanos(T).endNanos(T + 100).build();
    Span async = onWorker.spanId("w2").name("b").startNanos(T + 50).endNanos(T + 150).build();

    CheckedTrace trace = check(List.of(first, async));

    assertThat(trace.track(slice(trace, "w1").trackUuid()).kind()).isEqualTo(CheckedTrack.Kind.THREAD);
    CheckedTrack overflow = trace.track(slice(trace, "w2").trackUuid());
    assertThat(overflow.kind()).isEqualTo(CheckedTrack.Kind.CUSTOM);
    assertThat(overflow.name()).isEqualTo("worker-7 (overlapping)");
    assertThat(trace.track(overflow.parentUuid()).pid()).isEqualTo(ProcessIds.syntheticPid("auth"));
  }

  // ------------------------------------------------------------------ lanes

  @Test
  void shouldPutOverlappingSpansOfAServiceOnSiblingLanesMergedByService() {
    Span first = span("cart", "c1", null, T, T + 100);
    Span overlapping = span("cart", "c2", null, T + 50, T + 150);
    Span other = span("search", "s1", null, T, T + 10);

    CheckedTrace trace = check(List.of(first, overlapping, other));

    CheckedTrack lane1 = trace.track(slice(trace, "c1").trackUuid());
    CheckedTrack lane2 = trace.track(slice(trace, "c2").trackUuid());
    assertThat(lane1.uuid()).isNotEqualTo(lane2.uuid());
    assertThat(lane1.parentUuid()).isEqualTo(lane2.parentUuid());
    CheckedTrack process = trace.track(lane1.parentUuid());
    assertThat(process.kind()).isEqualTo(CheckedTrack.Kind.PROCESS);
    assertThat(process.descriptor().getChildOrdering())
        .isEqualTo(TrackDescriptor.ChildTracksOrdering.CHRONOLOGICAL);
    for (CheckedTrack lane : List.of(lane1, lane2)) {
      assertThat(lane.name()).isEqualTo("cart");
      assertThat(lane.descriptor().getSiblingMergeBehavior())
          .isEqualTo(TrackDescriptor.SiblingMergeBehavior.SIBLING_MERGE_BEHAVIOR_BY_SIBLING_MERGE_KEY);
      assertThat(lane.descriptor().getSiblingMergeKey()).isEqualTo("cart");
    }
    assertThat(trace.track(slice(trace, "s1").trackUuid()).descriptor().getSiblingMergeKey())
        .isEqualTo("search");
  }

  @Test
  void shouldKeepAChildOnItsParentsLaneWhenItNestsInIt() {
    Span a = span("cart", "a", null, T, T + 100);
    Span b = span("cart", "b", null, T + 50, T + 200);
    Span childOfB = span("cart", "bc", "b", T + 60, T + 90); // also fits under a by time

    CheckedTrace trace = check(List.of(a, b, childOfB));

    assertThat(slice(trace, "bc").trackUuid()).isEqualTo(slice(trace, "b").trackUuid());
    assertThat(slice(trace, "bc").depth()).isEqualTo(1);
    assertThat(trace.flows()).as("same track: nesting shows the edge").isEmpty();
  }

  @Test
  void shouldNestZeroDurationSpansWithIdenticalTimestamps() {
    List<Span> spans = List.of(span("cart", "z1", null, T, T), span("cart", "z2", "z1", T, T),
        span("cart", "z3", null, T, T), span("cart", "p", null, T - 10, T));

    CheckedTrace trace = check(spans);

    assertThat(trace.durationSlices()).hasSize(4);
    for (String id : List.of("z1", "z2", "z3")) {
      assertThat(slice(trace, id).dur()).isZero();
      assertThat(slice(trace, id).ts()).isEqualTo(T);
      assertThat(slice(trace, id).depth()).as("%s nests in p", id).isPositive();
    }
    assertThat(trace.durationSlices()).extracting(CheckedSlice::trackUuid)
        .as("all nest on one lane").containsOnly(slice(trace, "p").trackUuid());
  }

  // ------------------------------------------------------------------ slices and annotations

  @Test
  void shouldAnnotateSlicesWithIdsStatusTypedAttributesAndResource() {
    Span s = Span.builder().traceId("0af7651916cd43dd8448eb211c80319c").spanId("b7ad6b7169203331")
        .parentSpanId("00f067aa0ba902b7").serviceName("checkout").serviceInstance("checkout-1")
        .name("POST /orders").kind(SpanKind.SERVER).startNanos(T).endNanos(T + 1_000)
        .statusCode(StatusCode.ERROR).statusMessage("boom")
        .attributes(List.of(Attribute.of("http.request.method", "POST"),
            Attribute.of("http.response.status_code", 500L), Attribute.of("shop.ratio", 0.25),
            Attribute.of("shop.retry", true),
            new Attribute("shop.tags", new AttributeValue.ArrayValue(List.of(
                new AttributeValue.StringValue("a"), new AttributeValue.LongValue(2)))),
            new Attribute("shop.user", new AttributeValue.MapValue(List.of(Attribute.of("id", 7L)))),
            new Attribute("shop.blob", new AttributeValue.BytesValue(new byte[] {(byte) 0xca, (byte) 0xfe}))))
        .resourceAttributes(List.of(Attribute.of("service.version", "2.0.1"),
            Attribute.of("host.cpu.count", 8L)))
        .build();

    CheckedSlice slice = slice(check(List.of(s)), "b7ad6b7169203331");

    assertThat(slice.name()).isEqualTo("POST /orders");
    assertThat(slice.category()).isEqualTo("server,anomaly");
    assertThat(slice.ts()).isEqualTo(T);
    assertThat(slice.dur()).isEqualTo(1_000);
    assertThat(slice.args()).contains(
        entry("trace_id", "0af7651916cd43dd8448eb211c80319c"),
        entry("span_id", "b7ad6b7169203331"),
        entry("parent_span_id", "00f067aa0ba902b7"),
        entry("status", "ERROR"),
        entry("status_message", "boom"),
        entry("service_instance", "checkout-1"),
        // trace processor turns '.' inside an annotation name into '_'
        entry("attributes.http_request_method", "POST"),
        entry("attributes.http_response_status_code", 500L),
        entry("attributes.shop_ratio", 0.25),
        entry("attributes.shop_retry", true),
        entry("attributes.shop_tags[0]", "a"),
        entry("attributes.shop_tags[1]", 2L),
        entry("attributes.shop_user.id", 7L),
        entry("attributes.shop_blob", "cafe"),
        entry("resource.service_version", "2.0.1"),
        entry("resource.host_cpu_count", 8L));
    assertThat(slice.args()).containsKey("marks.missing_parent");
  }

  @Test
  void shouldUseTheSpanKindAsCategory() {
    Span client = Span.builder().traceId("t").spanId("c").serviceName("a").name("call")
        .kind(SpanKind.CLIENT).startNanos(T).endNanos(T + 5).build();

    assertThat(slice(check(List.of(client)), "c").category()).isEqualTo("client");
  }

  @Test
  void shouldShowTheSpansOwnMarks() {
    Span marked = span("cart", "m", null, T, T + 5).withMark(new Mark("attribute_truncated", "http.url cut at 4096"))
        .withMark(new Mark("attribute_truncated", "db.statement cut at 4096"));

    CheckedSlice slice = slice(check(List.of(marked)), "m");

    assertThat(slice.args()).contains(entry("marks.attribute_truncated", "http.url cut at 4096"),
        entry("marks.attribute_truncated#2", "db.statement cut at 4096"));
    assertThat(slice.categories()).contains("anomaly");
  }

  @Test
  void shouldCorrelateByNumberWhenTheTraceKeyIsAnInteger() {
    CheckedTrace trace = check("90210", List.of(span("cart", "a", null, T, T + 5)), List.of());

    assertThat(slice(trace, "a").correlation()).isEqualTo("90210");
  }

  @Test
  void shouldCorrelateByInternedStringOtherwise() {
    CheckedTrace trace = check("order-77", List.of(span("cart", "a", null, T, T + 5),
        span("cart", "b", null, T + 6, T + 9)), List.of());

    assertThat(trace.durationSlices()).extracting(CheckedSlice::correlation).containsOnly("order-77");
  }

  // ------------------------------------------------------------------ flows

  @Test
  void shouldLinkParentAndChildOnDifferentTracksWithAFlow() {
    Span client = span("gateway", "cl", null, T, T + 100);
    Span server = span("cart", "sv", "cl", T + 10, T + 90);

    CheckedTrace trace = check(List.of(client, server));

    assertThat(trace.flows()).singleElement().satisfies(f -> {
      assertThat(f.from().arg("span_id")).isEqualTo("cl");
      assertThat(f.to().arg("span_id")).isEqualTo("sv");
    });
  }

  @Test
  void shouldFlowFromTheEarlierSliceWhenClockSkewPutsTheChildFirst() {
    Span client = span("gateway", "cl", null, T, T + 100);
    Span skewed = span("cart", "sv", "cl", T - 30, T + 50);

    CheckedFlow flow = check(List.of(client, skewed)).flows().get(0);

    assertThat(flow.from().arg("span_id")).isEqualTo("sv");
    assertThat(flow.to().arg("span_id")).isEqualTo("cl");
  }

  @Test
  void shouldLinkASpanLinkToItsTargetWhenTheTargetIsInTheTrace() {
    Span producer = span("orders", "pr", null, T, T + 10);
    Span consumer = Span.builder().traceId("0af7651916cd43dd8448eb211c80319c").spanId("co")
        .serviceName("billing").name("consume").kind(SpanKind.CONSUMER).startNanos(T + 50)
        .endNanos(T + 60).links(List.of(
            new SpanLink("0af7651916cd43dd8448eb211c80319c", "pr", List.of(Attribute.of("why", "batch"))),
            new SpanLink("0af7651916cd43dd8448eb211c80319c", "absent", List.of())))
        .build();

    CheckedTrace trace = check(List.of(producer, consumer));

    assertThat(trace.flows()).singleElement().satisfies(f -> {
      assertThat(f.from().arg("span_id")).isEqualTo("pr");
      assertThat(f.to().arg("span_id")).isEqualTo("co");
    });
    assertThat(slice(trace, "co").args()).contains(entry("links[0].span_id", "pr"),
        entry("links[0].attributes.why", "batch"), entry("links[1].span_id", "absent"));
  }

  // ------------------------------------------------------------------ events

  @Test
  void shouldWriteSpanEventsAsInstantsOnTheSpansTrack() {
    Span s = span("cart", "e", null, T, T + 100).withMark(new Mark("x", "y"));
    Span withEvent = new Span(s.traceId(), s.spanId(), null, null, "cart", null, 0, 0, null, "op",
        SpanKind.INTERNAL, T, T + 100, StatusCode.UNSET, null, List.of(),
        List.of(new SpanEvent(T + 40, "cache.miss", List.of(Attribute.of("cache.key", "sku:1")))),
        List.of(), List.of(), List.of());

    CheckedTrace trace = check(List.of(withEvent));

    CheckedSlice instant = trace.instants().get(0);
    assertThat(instant.name()).isEqualTo("cache.miss");
    assertThat(instant.ts()).isEqualTo(T + 40);
    assertThat(instant.trackUuid()).isEqualTo(slice(trace, "e").trackUuid());
    assertThat(instant.depth()).isEqualTo(1);
    // no span_id of its own (deliberately dropped): the enclosing slice on its track is its span
    assertThat(instant.args()).contains(entry("attributes.cache_key", "sku:1"))
        .doesNotContainKey("span_id");
  }

  @Test
  void shouldTurnAJavaExceptionStackTraceIntoAnInternedCallstack() {
    String stack = TestSpans.javaStackTrace("java.lang.IllegalStateException", "boom", 3, new Random(1));
    CheckedTrace trace = check(List.of(withException("x1", stack), withException("x2", stack)));

    List<CheckedSlice> instants = trace.instants();
    assertThat(instants).hasSize(2);
    StackTraces.ParsedStack parsed = StackTraces.parse(stack, 256);
    assertThat(instants.get(0).callstack()).hasSize(4)
        .isEqualTo(parsed.frames().stream().map(StackTraces.StackFrame::display).toList())
        .first().isEqualTo("java.lang.Thread.run (Thread.java:840)");
    assertThat(instants.get(1).callstack()).isEqualTo(instants.get(0).callstack());
    assertThat(instants.get(0).args()).doesNotContainKey("attributes.exception_stacktrace")
        .contains(entry("attributes.exception_type", "java.lang.IllegalStateException"),
            entry("stack.format", "java"),
            entry("stack.causes[0]", "Caused by: java.net.SocketTimeoutException: Read timed out"));
  }

  @Test
  void shouldInternAStackTraceThatRepeatsAndWriteAOneOffStackInlineWithFileAndLine()
      throws Exception {
    String repeated = TestSpans.javaStackTrace("java.lang.IllegalStateException", "boom", 3,
        new Random(1));
    String once = TestSpans.javaStackTrace("java.io.IOException", "reset", 2, new Random(2));
    List<Span> spans = List.of(withException("x1", repeated), withException("x2", repeated),
        withException("x3", once));

    byte[] bytes = Timelines.bytes(new RequestTrace(Timelines.KEY, 0, spans, List.of()));

    List<TrackEvent> instants = Trace.parseFrom(bytes).getPacketList().stream()
        .filter(p -> p.hasTrackEvent()
            && p.getTrackEvent().getType() == TrackEvent.Type.TYPE_INSTANT)
        .map(TracePacket::getTrackEvent).toList();
    assertThat(instants).hasSize(3);
    assertThat(instants).filteredOn(TrackEvent::hasCallstackIid).hasSize(2)
        .extracting(TrackEvent::getCallstackIid).containsOnly(instants.stream()
            .filter(TrackEvent::hasCallstackIid).findFirst().orElseThrow().getCallstackIid());
    TrackEvent inline = instants.stream().filter(TrackEvent::hasCallstack).findFirst()
        .orElseThrow();
    List<StackTraces.StackFrame> expected = StackTraces.parse(once, 256).frames();
    assertThat(inline.getCallstack().getFramesList())
        .extracting(f -> f.getFunctionName(), f -> f.getSourceFile(), f -> f.getLineNumber())
        .containsExactlyElementsOf(expected.stream()
            .map(f -> org.assertj.core.groups.Tuple.tuple(f.function(), f.file(), f.line()))
            .toList());
    CheckedTrace trace = TraceChecker.check(bytes);
    assertThat(trace.instants()).extracting(CheckedSlice::callstack).contains(
        expected.stream().map(StackTraces.StackFrame::display).toList());
  }

  @Test
  void shouldTurnAPythonTracebackIntoACallstackOutermostFirst() {
    String py = "Traceback (most recent call last):\n  File \"/app/main.py\", line 30, in <module>\n"
        + "    main()\n  File \"/app/main.py\", line 12, in main\n    pay()\nValueError: bad card\n";

    CheckedSlice instant = check(List.of(withException("py", py))).instants().get(0);

    assertThat(instant.callstack()).containsExactly("<module> (/app/main.py:30)", "main (/app/main.py:12)");
    assertThat(instant.args()).contains(entry("stack.format", "python"));
  }

  @Test
  void shouldKeepAnUnparseableStackTraceAsRawText() {
    String node = "Error: boom\n    at Object.<anonymous> (/app/x.js:1:2)";

    CheckedSlice instant = check(List.of(withException("x", node))).instants().get(0);

    assertThat(instant.callstack()).isEmpty();
    assertThat(instant.args()).contains(entry("attributes.exception_stacktrace", node),
        entry("stack.format", "unparsed"));
  }

  private static Span withException(String id, String stack) {
    return Span.builder().traceId("t").spanId(id).serviceName("payments").name("pay")
        .kind(SpanKind.SERVER).startNanos(T).endNanos(T + 100).statusCode(StatusCode.ERROR)
        .events(List.of(new SpanEvent(T + 50, "exception", List.of(
            Attribute.of("exception.type", "java.lang.IllegalStateException"),
            Attribute.of("exception.stacktrace", stack)))))
        .build();
  }

  // ------------------------------------------------------------------ counters

  @Test
  void shouldCountInFlightSpansPerService() {
    List<Span> spans = List.of(span("cart", "a", null, T, T + 100), span("cart", "b", null, T + 10, T + 50),
        span("cart", "c", null, T + 20, T + 120), span("search", "d", null, T + 20, T + 30));

    CheckedTrace trace = check(spans);

    CheckedTrack cartProcess = processOf(trace, slice(trace, "a"));
    CheckedTrack counter = trace.children(cartProcess.uuid()).stream()
        .filter(t -> t.kind() == CheckedTrack.Kind.COUNTER).findFirst().orElseThrow();
    assertThat(counter.name()).isEqualTo("in-flight spans");
    assertThat(counter.descriptor().getCounter().getUnitName()).isEqualTo("spans");
    assertThat(counter.descriptor().getCounter().getYAxisShareKey()).isEqualTo("in-flight spans");
    // values on the wire are changes (+1/-1 or a timestamp's net change); the checker sums them
    // as trace processor does for an incremental counter
    assertThat(counter.descriptor().getCounter().getIsIncremental()).isTrue();
    assertThat(trace.countersOn(counter.uuid())).extracting(CheckedCounter::ts, CheckedCounter::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(T, 1.0), org.assertj.core.groups.Tuple.tuple(T + 10, 2.0),
            org.assertj.core.groups.Tuple.tuple(T + 20, 3.0), org.assertj.core.groups.Tuple.tuple(T + 50, 2.0),
            org.assertj.core.groups.Tuple.tuple(T + 100, 1.0), org.assertj.core.groups.Tuple.tuple(T + 120, 0.0));
  }

  @Test
  void shouldWriteOneInFlightValuePerServiceAndInstantOnlyWhenItChanges() {
    List<Span> spans = List.of(span("cart", "a", null, T, T + 50),
        span("cart", "b", null, T + 50, T + 80), span("cart", "c", null, T + 80, T + 80),
        span("cart", "d", null, T + 90, T + 100), span("cart", "e", null, T + 90, T + 95));

    CheckedTrace trace = check(spans);

    CheckedTrack counter = trace.children(processOf(trace, slice(trace, "a")).uuid()).stream()
        .filter(t -> t.kind() == CheckedTrack.Kind.COUNTER).findFirst().orElseThrow();
    // T+50: a ends as b begins (nets out); T+80: b ends, c begins and ends; T+90: two begins
    assertThat(trace.countersOn(counter.uuid())).extracting(CheckedCounter::ts, CheckedCounter::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(T, 1.0), org.assertj.core.groups.Tuple.tuple(T + 80, 0.0),
            org.assertj.core.groups.Tuple.tuple(T + 90, 2.0), org.assertj.core.groups.Tuple.tuple(T + 95, 1.0),
            org.assertj.core.groups.Tuple.tuple(T + 100, 0.0));
  }

  @Test
  void shouldWriteOneInFlightValuePerServiceWhenServicesShareATimestamp() {
    // T: three begins of two services; T+50: two ends and two begins (each service nets out);
    // T+60: three ends; the services' events interleave within each timestamp
    List<Span> spans = List.of(span("cart", "a", null, T, T + 50), span("search", "b", null, T, T + 50),
        span("cart", "e", null, T, T + 60), span("cart", "c", null, T + 50, T + 60),
        span("search", "d", null, T + 50, T + 60));

    CheckedTrace trace = check(spans);

    for (String[] service : new String[][] {{"a", "2.0"}, {"b", "1.0"}}) {
      CheckedTrack counter = trace.children(processOf(trace, slice(trace, service[0])).uuid()).stream()
          .filter(t -> t.kind() == CheckedTrack.Kind.COUNTER).findFirst().orElseThrow();
      assertThat(trace.countersOn(counter.uuid())).extracting(CheckedCounter::ts, CheckedCounter::value)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(T, Double.parseDouble(service[1])),
              org.assertj.core.groups.Tuple.tuple(T + 60, 0.0));
    }
  }

  // ------------------------------------------------------------------ broken spans

  @Test
  void shouldShowASpanEndingBeforeItStartsWithDurationZeroAndAMark() {
    CheckedSlice slice = slice(check(List.of(span("cart", "bad", null, T + 100, T + 40))), "bad");

    assertThat(slice.ts()).isEqualTo(T + 100);
    assertThat(slice.dur()).isZero();
    assertThat((String) slice.arg("marks.end_before_start")).contains("before start");
  }

  @Test
  void shouldShowASpanWithAMissingParentAtRootDepthWithAMark() {
    CheckedSlice slice = slice(check(List.of(span("cart", "orphan", "gone", T, T + 5))), "orphan");

    assertThat(slice.depth()).isZero();
    assertThat(slice.arg("parent_span_id")).isEqualTo("gone");
    assertThat((String) slice.arg("marks.missing_parent")).contains("gone");
  }

  @Test
  void shouldShowASpanThatIsItsOwnParentAsARootWithAMark() {
    CheckedSlice slice = slice(check(List.of(span("cart", "loop", "loop", T, T + 5))), "loop");

    assertThat(slice.depth()).isZero();
    assertThat(slice.args()).containsKey("marks.self_parent").doesNotContainKey("marks.missing_parent");
  }

  @Test
  void shouldKeepAndMarkSpansWithADuplicateSpanId() {
    CheckedTrace trace = check(List.of(span("cart", "dup", null, T, T + 10), span("auth", "dup", null, T + 2, T + 30)));

    assertThat(trace.durationSlices()).hasSize(2).allSatisfy(s ->
        assertThat(s.args()).containsKey("marks.duplicate_span_id"));
  }

  // ------------------------------------------------------------------ request level

  @Test
  void shouldShowRequestNotesOnARequestTrack() {
    CheckedTrace trace = check("k1", List.of(span("cart", "a", null, T, T + 5)),
        List.of(new Mark("conflicting_keys", "order-1 vs order-2")));

    CheckedSlice note = trace.sliceNamed("conflicting_keys");
    assertThat(note.instant()).isTrue();
    assertThat(note.args()).contains(entry("detail", "order-1 vs order-2"));
    assertThat(trace.track(note.trackUuid()).name()).isEqualTo("request k1");
  }

  @Test
  void shouldStayValidWhenPartsOfOneRequestAreConcatenated() {
    List<Span> part0 = List.of(span("cart", "a", null, T, T + 100), span("cart", "b", "a", T + 10, T + 20));
    List<Span> part1 = List.of(span("cart", "c", null, T + 50, T + 150), span("cart", "d", "a", T + 60, T + 70));
    byte[] first = Timelines.bytes(new RequestTrace("k", 0, part0, List.of()));
    byte[] second = Timelines.bytes(new RequestTrace("k", 1, part1, List.of(new Mark("late_part", "1"))));
    byte[] both = new byte[first.length + second.length];
    System.arraycopy(first, 0, both, 0, first.length);
    System.arraycopy(second, 0, both, first.length, second.length);

    CheckedTrace trace = TraceChecker.check(both);

    assertThat(trace.durationSlices()).hasSize(4);
    assertThat(processOf(trace, slice(trace, "c")).pid()).isEqualTo(processOf(trace, slice(trace, "a")).pid());
    assertThat(TimelineWriter.sequenceId(new RequestTrace("k", 0, part0, List.of())))
        .isNotEqualTo(TimelineWriter.sequenceId(new RequestTrace("k", 1, part1, List.of())));
  }

  @Test
  void shouldWriteAValidTraceForAnEmptyRequest() {
    CheckedTrace trace = check(List.of());

    assertThat(trace.slices()).isEmpty();
    assertThat(trace.tracks()).isEmpty();
    assertThat(trace.packetCount()).isPositive();
  }

  @Test
  void shouldWriteAValidTraceForARealisticRequest() {
    List<Span> spans = TestSpans.request(2_000, 5);

    CheckedTrace trace = check(spans);

    assertThat(trace.durationSlices()).hasSize(2_000);
    assertThat(trace.tracks()).filteredOn(t -> t.kind() == CheckedTrack.Kind.PROCESS)
        .extracting(CheckedTrack::name).containsExactlyInAnyOrderElementsOf(TestSpans.SERVICES);
  }

  // ------------------------------------------------------------------ summary

  @Test
  void shouldSummarizeWhatWasWritten() throws Exception {
    List<Span> spans = List.of(span("cart", "r", null, T, T + 100),
        Span.builder().traceId("aa").spanId("x").parentSpanId("r").serviceName("auth").name("e")
            .kind(SpanKind.SERVER).startNanos(T + 10).endNanos(T + 300).statusCode(StatusCode.ERROR).build());
    RequestTrace request = new RequestTrace("k", 0, spans, List.of());

    TraceSummary written = new TimelineWriter(TimelineOptions.defaults())
        .write(request, new java.io.ByteArrayOutputStream());

    assertThat(written).isEqualTo(TimelineWriter.summarize(request)).isEqualTo(new TraceSummary(2, T,
        T + 300, List.of("auth", "cart"), "cart op", 1, List.of("0af7651916cd43dd8448eb211c80319c", "aa")));
  }

  @Test
  void shouldSummarizeServicesWithSeveralProcessesOnce() throws Exception {
    // "cart" reports two pids (two processes), "auth" none: each service is listed once, sorted
    List<Span> spans = List.of(
        Span.builder().traceId("aa").spanId("a").serviceName("cart").name("x").pid(7)
            .startNanos(T).endNanos(T + 10).build(),
        Span.builder().traceId("aa").spanId("b").serviceName("cart").name("y").pid(8)
            .startNanos(T + 1).endNanos(T + 10).build(),
        Span.builder().traceId("aa").spanId("c").serviceName("auth").name("z")
            .startNanos(T + 2).endNanos(T + 10).build());
    RequestTrace request = new RequestTrace("k", 0, spans, List.of());
    TimelineWriter writer = new TimelineWriter(TimelineOptions.defaults());

    TraceSummary written = writer.write(request, new java.io.ByteArrayOutputStream());

    assertThat(written.services()).containsExactly("auth", "cart");
    assertThat(written).isEqualTo(TimelineWriter.summarize(request));
    for (long seed : new long[] {1, 7, 42}) {
      RequestTrace realistic = new RequestTrace("k", 0, TestSpans.request(300, seed), List.of());
      assertThat(writer.write(realistic, new java.io.ByteArrayOutputStream()))
          .isEqualTo(TimelineWriter.summarize(realistic));
    }
  }
}
