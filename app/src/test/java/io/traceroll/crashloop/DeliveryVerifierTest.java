package io.traceroll.crashloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceroll.archive.ArchiveLayout;
import io.traceroll.archive.Compression;
import io.traceroll.archive.ObjectBody;
import io.traceroll.archive.TraceArchiver;
import io.traceroll.archive.fs.FileSystemArchiveStore;
import io.traceroll.avro.TraceIndexEntry;
import io.traceroll.crashloop.DeliveryReport.Finding;
import io.traceroll.serdes.avro.TraceIndexEntrySerde;
import io.traceroll.span.Span;
import io.traceroll.span.TestSpans;
import io.traceroll.timeline.RequestTrace;
import io.traceroll.timeline.TimelineOptions;
import io.traceroll.timeline.TimelineWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier against archives written by the real mapping ({@link TimelineWriter}) into a real
 * filesystem store, and index records encoded by the real serde: a clean archive passes, and each
 * way of losing or repeating something is reported as exactly that.
 */
class DeliveryVerifierTest {

  @TempDir Path dir;

  private FileSystemArchiveStore store;
  private ArchiveLayout layout;
  private TraceArchiver archiver;
  private final List<TopicRecord> index = new ArrayList<>();
  private final Map<String, List<String>> produced = new LinkedHashMap<>();
  private List<Span> first;
  private List<Span> second;

  @BeforeEach
  void archiveTwoRequestsTheSecondInTwoParts() throws IOException {
    store = new FileSystemArchiveStore(dir.resolve("archive"));
    layout = new ArchiveLayout("crash", Compression.GZIP);
    archiver = new TraceArchiver(store, layout);
    first = TestSpans.request(12, 1);
    second = TestSpans.request(30, 2);
    produce(first);
    produce(second);
    archive(key(first), 0, first);
    archive(key(second), 0, second.subList(0, 20));
    archive(key(second), 1, second.subList(20, 30));
  }

  @Test
  void shouldReportAllSpansDeliveredWhenEachSpanIsInOnePartAndEachPartIndexedOnce()
      throws IOException {
    DeliveryReport report = verify();

    assertThat(report.delivered()).as(report.render(5)).isTrue();
    assertThat(report.producedSpans()).isEqualTo(42);
    assertThat(report.archivedSpans()).isEqualTo(42);
    assertThat(report.partObjects()).isEqualTo(3);
    assertThat(report.render(5)).endsWith(DeliveryReport.DELIVERED);
  }

  @Test
  void shouldReportASpanThatWasProducedButNeverArchived() throws IOException {
    produced.get(key(first)).add("00000000000000ff");

    DeliveryReport report = verify();

    assertThat(report.delivered()).isFalse();
    assertThat(report.findings(Finding.MISSING_SPAN))
        .containsExactly("request " + key(first) + " span 00000000000000ff");
    assertThat(report.render(5)).contains("missing-span: 1").startsWith("verify:")
        .endsWith("NOT-DELIVERED: 1 findings");
  }

  @Test
  void shouldReportASpanArchivedInTwoPartsOfItsRequest() throws IOException {
    // a replay that archived part 0's last span again in a new part 2, indexed like any part
    archive(key(second), 2, second.subList(19, 20));

    DeliveryReport report = verify();

    assertThat(report.findings(Finding.DUPLICATED_SPAN)).singleElement().asString()
        .contains(second.get(19).spanId()).contains("part-00000").contains("part-00002");
    assertThat(report.count(Finding.MISSING_SPAN)).isZero();
    assertThat(report.findings(Finding.UNINDEXED_PART)).isEmpty();
  }

  @Test
  void shouldReportASpanWrittenTwiceIntoOnePart() throws IOException {
    List<Span> twice = new ArrayList<>(first);
    twice.add(first.get(3));
    archive(key(first), 0, twice); // overwrites part 0 and indexes it a second time
    index.remove(index.size() - 1);

    DeliveryReport report = verify();

    assertThat(report.findings(Finding.DUPLICATED_SPAN)).singleElement().asString()
        .contains(first.get(3).spanId());
  }

  @Test
  void shouldReportAPartIndexedTwice() throws IOException {
    index.add(index.get(1));

    DeliveryReport report = verify();

    assertThat(report.findings(Finding.DUPLICATE_INDEX_ENTRY)).singleElement().asString()
        .startsWith("key " + key(second) + "/0 indexed 2 times");
    assertThat(report.count(Finding.DUPLICATED_SPAN)).isZero();
    assertThat(report.delivered()).isFalse();
  }

  @Test
  void shouldReportAPartWithoutIndexEntryAndAnEntryWithoutPart() throws IOException {
    String part1 = layout.partKey(key(second), 1);
    TopicRecord entryOfPart1 = index.remove(2);
    index.add(indexRecord(key(second), 7, layout.partKey(key(second), 7), 3));

    DeliveryReport report = verify();

    assertThat(entryOfPart1.key()).isEqualTo(key(second) + "/1");
    assertThat(report.findings(Finding.UNINDEXED_PART)).containsExactly(part1);
    assertThat(report.findings(Finding.INDEX_WITHOUT_OBJECT)).singleElement().asString()
        .contains("part-00007");
  }

  @Test
  void shouldReportAnIndexEntryWhoseSpanCountDisagreesWithItsObject() throws IOException {
    index.set(0, indexRecord(key(first), 0, layout.partKey(key(first), 0), 11));

    DeliveryReport report = verify();

    assertThat(report.findings(Finding.INDEX_MISMATCH)).singleElement().asString()
        .contains("says 11 spans").contains("holds 12");
  }

  @Test
  void shouldReportASpanArchivedUnderAnotherRequestAsBothUnexpectedAndMissing()
      throws IOException {
    archive("someone-else", 0, first.subList(0, 1));
    archive(key(first), 0, first.subList(1, first.size()));
    index.remove(index.size() - 1);
    index.set(0, indexRecord(key(first), 0, layout.partKey(key(first), 0), 11));

    DeliveryReport report = verify();

    assertThat(report.findings(Finding.MISSING_SPAN)).singleElement().asString()
        .contains(first.get(0).spanId());
    assertThat(report.findings(Finding.UNEXPECTED_SPAN)).singleElement().asString()
        .startsWith("request someone-else span " + first.get(0).spanId());
  }

  @Test
  void shouldReportAPartThatIsNotATraceWithoutStopping() throws IOException {
    String bad = layout.partKey("broken", 0);
    store.put(bad, ObjectBody.ofBytes("not gzip".getBytes(StandardCharsets.US_ASCII)));
    index.add(indexRecord("broken", 0, bad, 1));

    DeliveryReport report = verify();

    assertThat(report.findings(Finding.UNREADABLE_PART)).singleElement().asString()
        .startsWith(bad + ": ");
    assertThat(report.count(Finding.INDEX_WITHOUT_OBJECT)).isZero();
    assertThat(report.archivedSpans()).isEqualTo(42);
  }

  @Test
  void shouldReportUndecodableIndexRecordsAndTombstones() throws IOException {
    index.add(new TopicRecord(0, 99, "x/0", new byte[] {1, 2, 3}, Map.of()));
    index.add(new TopicRecord(0, 100, "x/1", null, Map.of()));

    DeliveryReport report = verify();

    assertThat(report.findings(Finding.BAD_INDEX_RECORD)).hasSize(2);
  }

  @Test
  void shouldCountEveryDeadLetterAsAFindingWithItsReason() throws IOException {
    List<TopicRecord> deadLetters = List.of(new TopicRecord(1, 4, "k", new byte[] {0},
        Map.of("traceroll.reason", "unreadable otlp_proto")));

    DeliveryReport report = new DeliveryVerifier(store, layout)
        .verify(ExpectedSpans.of(produced), index, deadLetters);

    assertThat(report.findings(Finding.DEAD_LETTER))
        .containsExactly("p1@4 key k reason unreadable otlp_proto");
  }

  @Test
  void shouldListOnlyTheFirstFindingsOfAKindAndCountTheRest() throws IOException {
    for (int i = 0; i < 7; i++) {
      produced.get(key(first)).add(String.format("%016x", 1000 + i));
    }

    String rendered = verify().render(3);

    assertThat(rendered).contains("missing-span: 7").contains("... and 4 more");
    assertThat(rendered.lines().filter(l -> l.startsWith("    request "))).hasSize(3);
  }

  @Test
  void shouldReadBackTheExpectedSpansItSaved() throws IOException {
    ExpectedSpans expected = ExpectedSpans.of(produced);
    expected.add("key with spaces/é", List.of("0000000000000001", "0000000000000002"));
    Path file = dir.resolve("expected.txt");

    expected.save(file);
    ExpectedSpans loaded = ExpectedSpans.load(file);

    assertThat(loaded.byKey()).isEqualTo(expected.byKey());
    assertThat(loaded.spans()).isEqualTo(expected.spans()).isEqualTo(44);
  }

  @Test
  void shouldNameTheLineOfAMalformedLedger() throws IOException {
    Path file = dir.resolve("bad.txt");
    Files.writeString(file, "abc 0000000000000001\nABC 1\n");

    assertThatThrownBy(() -> ExpectedSpans.load(file)).isInstanceOf(IOException.class)
        .hasMessageContaining("bad.txt:2");
  }

  // ---------------------------------------------------------------------------------------------

  private DeliveryReport verify() throws IOException {
    return new DeliveryVerifier(store, layout).verify(ExpectedSpans.of(produced), index,
        List.of());
  }

  private static String key(List<Span> request) {
    return request.get(0).traceId();
  }

  private void produce(List<Span> spans) {
    for (Span s : spans) {
      produced.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s.spanId());
    }
  }

  /** Writes a part as the pipeline does and appends its index record. */
  private void archive(String key, int part, List<Span> spans) throws IOException {
    RequestTrace trace = new RequestTrace(key, part, spans, List.of());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new TimelineWriter(TimelineOptions.defaults()).write(trace, bytes);
    String objectKey = archiver.writePart(key, part, ObjectBody.ofBytes(bytes.toByteArray()))
        .objectKey();
    index.add(indexRecord(key, part, objectKey, spans.size()));
  }

  private TopicRecord indexRecord(String key, int part, String objectKey, int spans) {
    TraceIndexEntry e = TraceIndexEntry.newBuilder().setTraceKey(key).setPart(part)
        .setObjectKey(objectKey).setStartNanos(1).setEndNanos(2).setDurationNanos(1)
        .setSpanCount(spans).setServices(List.of("svc")).setRootSpanName(null).setErrorCount(0)
        .setBytes(100).setLate(part > 0).setTraceIds(List.of(key)).build();
    try (TraceIndexEntrySerde serde = new TraceIndexEntrySerde()) {
      return new TopicRecord(0, index.size(), key + "/" + part,
          serde.serializer().serialize("index", e), Map.of());
    }
  }
}
