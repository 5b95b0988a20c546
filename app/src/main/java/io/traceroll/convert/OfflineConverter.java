package io.traceroll.convert;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.traceroll.archive.ArchiveLayout;
import io.traceroll.archive.Compression;
import io.traceroll.serdes.DecodedBatch;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.SpanDecodeException;
import io.traceroll.serdes.SpanDecoder;
import io.traceroll.serdes.SpanFormat;
import io.traceroll.span.Mark;
import io.traceroll.span.Span;
import io.traceroll.timeline.RequestTrace;
import io.traceroll.timeline.TimelineOptions;
import io.traceroll.timeline.TimelineWriter;
import io.traceroll.timeline.TraceSummary;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Files of Kafka-framed span messages in, one Perfetto trace per request out: the pipeline's decode →
 * key → assemble → write path without Kafka, for traces captured elsewhere and for trying traceroll
 * on a laptop.
 *
 * <p>Framing is the one messages have on Kafka: a {@code .jsonl} file is one message per line; any
 * other file (JSON, OTLP protobuf, Avro) is one message. A record that cannot be used is reported and
 * kept aside, never a reason to stop converting the others.
 */
public final class OfflineConverter {

  /** One message or span that could not be used, with its reason code and detail. */
  public record Rejected(String source, int record, String reason, String detail, Span span) {}

  /** One request written to {@code file}. */
  public record Converted(String traceKey, Path file, long bytes, TraceSummary summary) {}

  public record Result(int records, int spans, List<Converted> traces, List<Rejected> rejected) {}

  private final SpanFormat format;
  private final SpanDecoder decoder;
  private final Compression compression;
  private final TimelineWriter writer = new TimelineWriter(TimelineOptions.defaults());

  public OfflineConverter(SpanFormat format, DecoderSettings settings, Compression compression) {
    this.format = format;
    this.decoder = format.decoder(settings);
    this.compression = compression;
  }

  public Result convert(List<Path> inputs, Path outDir, Path deadLetterFile) throws IOException {
    List<Span> spans = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    int records = 0;
    for (Path input : inputs) {
      int index = 0;
      for (byte[] message : messages(input)) {
        records++;
        decodeInto(input.toString(), index++, message, spans, rejected);
      }
    }
    Files.createDirectories(outDir);
    List<Converted> converted = new ArrayList<>();
    for (Map.Entry<String, Request> e : groupByRequest(spans).entrySet()) {
      converted.add(write(e.getKey(), e.getValue(), outDir));
    }
    if (deadLetterFile != null) {
      writeDeadLetters(rejected, deadLetterFile);
    }
    return new Result(records, spans.size(), converted, rejected);
  }

  private List<byte[]> messages(Path input) throws IOException {
    byte[] all = Files.readAllBytes(input);
    if (!input.getFileName().toString().endsWith(".jsonl")) {
      return List.of(all);
    }
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= all.length; i++) {
      if (i == all.length || all[i] == '\n') {
        int end = i > start && all[i - 1] == '\r' ? i - 1 : i;
        if (!new String(all, start, end - start, StandardCharsets.UTF_8).isBlank()) {
          lines.add(java.util.Arrays.copyOfRange(all, start, end));
        }
        start = i + 1;
      }
    }
    return lines;
  }

  private void decodeInto(
      String source, int index, byte[] message, List<Span> spans, List<Rejected> rejected) {
    try {
      DecodedBatch batch = decoder.decode(message, new RecordHeaders());
      spans.addAll(batch.spans());
      for (DecodedBatch.InvalidSpan invalid : batch.invalid()) {
        rejected.add(new Rejected(source, index, invalid.reason(), "invalid span", invalid.span()));
      }
    } catch (SpanDecodeException e) {
      rejected.add(new Rejected(source, index, e.reason(), e.getMessage(), null));
    }
  }

  /** A request: its spans and the notes the timeline shows for it (e.g. conflicting keys). */
  private record Request(List<Span> spans, List<Mark> notes) {}

  /**
   * The topology's key resolution, offline: a span without a key joins the request of the key seen
   * on any span of its trace; a trace that never shows a key is its own request; a trace showing two
   * keys stays with the first one seen and says so.
   */
  private static Map<String, Request> groupByRequest(List<Span> spans) {
    Map<String, String> keyOfTrace = new HashMap<>();
    Map<String, List<String>> conflicts = new HashMap<>();
    for (Span s : spans) {
      if (s.traceKey() == null) {
        continue;
      }
      String first = keyOfTrace.putIfAbsent(s.traceId(), s.traceKey());
      if (first != null && !first.equals(s.traceKey())) {
        conflicts.computeIfAbsent(s.traceId(), t -> new ArrayList<>()).add(s.traceKey());
      }
    }
    Map<String, Request> requests = new TreeMap<>();
    for (Span s : spans) {
      String key = keyOfTrace.getOrDefault(s.traceId(), s.traceId());
      requests.computeIfAbsent(key, k -> new Request(new ArrayList<>(), new ArrayList<>()))
          .spans().add(s.traceKey() == null || !s.traceKey().equals(key) ? s.withTraceKey(key) : s);
    }
    Map<String, List<Mark>> notes = new LinkedHashMap<>();
    conflicts.forEach((traceId, others) -> notes
        .computeIfAbsent(keyOfTrace.get(traceId), k -> new ArrayList<>())
        .add(new Mark("conflicting_trace_keys",
            "trace " + traceId + " also carries " + String.join(", ", others.stream().distinct().sorted().toList()))));
    notes.forEach((key, marks) -> requests.get(key).notes().addAll(marks));
    return requests;
  }

  private Converted write(String key, Request request, Path outDir) throws IOException {
    Path file = outDir.resolve(ArchiveLayout.encodeKey(key) + ".pftrace" + compression.suffix());
    TraceSummary summary;
    try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file));
        OutputStream out = compression.wrap(raw)) {
      summary = writer.write(new RequestTrace(key, 0, request.spans(), request.notes()), out);
    }
    return new Converted(key, file, Files.size(file), summary);
  }

  private void writeDeadLetters(List<Rejected> rejected, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file);
        JsonGenerator json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
      json.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
      for (Rejected r : rejected) {
        json.writeStartObject();
        json.writeStringField("source", r.source());
        json.writeNumberField("record", r.record());
        json.writeStringField("format", format.configName());
        json.writeStringField("reason", r.reason());
        json.writeStringField("detail", r.detail());
        if (r.span() != null) {
          json.writeStringField("trace_id", r.span().traceId());
          json.writeStringField("span_id", r.span().spanId());
          json.writeStringField("span_name", r.span().name());
        }
        json.writeEndObject();
      }
      json.writeRaw('\n');
    }
  }
}
