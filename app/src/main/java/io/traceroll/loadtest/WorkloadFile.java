package io.traceroll.loadtest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.traceroll.serdes.SpanDecoder;
import io.traceroll.serdes.SpanFormat;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A workload as JSON lines, one Kafka record per line, so the exact records of a run can be fed to
 * another system (or replayed here with {@code --workload}):
 *
 * <pre>
 * {"format":"otlp_proto","key":"4bf92f3577b34da6a3ce929d0e0e4736","value_b64":"CpQ..."}
 * {"format":"zipkin_json","key":"...","value":"[{\"traceId\":...}]"}
 * </pre>
 *
 * <ul>
 *   <li>{@code format}: {@code otlp_proto}, {@code otlp_json}, {@code zipkin_json} or {@code avro};
 *       optional when the reader is given a default format;
 *   <li>{@code key}: the record key as UTF-8 text, or {@code key_b64} for a binary key; absent or
 *       {@code null} for no key;
 *   <li>{@code value}: the record value as text (JSON formats), or {@code value_b64}: base64 of the
 *       value bytes (any format). The writer uses {@code value} for the JSON formats.
 * </ul>
 *
 * <p>Span counts are not stored: the reader decodes every record, as the pipeline will, so a hand-
 * written or foreign file is counted the same way as a generated one.
 */
public final class WorkloadFile {
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private WorkloadFile() {}

  public static void write(Workload workload, Path file) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (WorkloadRecord r : workload.records()) {
        out.write(line(r));
        out.write('\n');
      }
    }
  }

  static String line(WorkloadRecord r) throws IOException {
    StringWriter s = new StringWriter(r.value().length * 4 / 3 + 96);
    try (JsonGenerator g = JSON.createGenerator(s)) {
      g.writeStartObject();
      g.writeStringField("format", r.format().configName());
      if (r.key() != null) {
        Optional<String> text = utf8(r.key());
        if (text.isPresent()) {
          g.writeStringField("key", text.get());
        } else {
          g.writeStringField("key_b64", Base64.getEncoder().encodeToString(r.key()));
        }
      }
      Optional<String> value = isJson(r.format()) ? utf8(r.value()) : Optional.empty();
      if (value.isPresent()) {
        g.writeStringField("value", value.get());
      } else {
        g.writeStringField("value_b64", Base64.getEncoder().encodeToString(r.value()));
      }
      g.writeEndObject();
    }
    return s.toString();
  }

  /**
   * Reads every line; a line that is not a valid record fails the whole read with its line number
   * (a benchmark that silently skipped records would report a rate for a different workload).
   *
   * @param defaultFormat for lines without {@code format}
   */
  public static Workload read(Path file, Optional<SpanFormat> defaultFormat) throws IOException {
    List<WorkloadRecord> records = new ArrayList<>();
    Map<SpanFormat, SpanDecoder> decoders = Workload.decoders();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String text;
      int lineNo = 0;
      while ((text = in.readLine()) != null) {
        lineNo++;
        if (text.isBlank()) {
          continue;
        }
        try {
          records.add(parse(text, defaultFormat, decoders));
        } catch (IOException | IllegalArgumentException e) {
          throw new IOException(file + ":" + lineNo + ": " + e.getMessage(), e);
        }
      }
    }
    return new Workload(records);
  }

  static WorkloadRecord parse(String line, Optional<SpanFormat> defaultFormat,
      Map<SpanFormat, SpanDecoder> decoders) throws IOException {
    SpanFormat format = defaultFormat.orElse(null);
    byte[] key = null;
    byte[] value = null;
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("expected a JSON object");
      }
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        if (t != JsonToken.FIELD_NAME) {
          throw new IllegalArgumentException("malformed object");
        }
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if (v == JsonToken.VALUE_NULL) {
          continue;
        }
        if (v != JsonToken.VALUE_STRING) {
          throw new IllegalArgumentException("field '" + field + "' must be a string");
        }
        switch (field) {
          case "format" -> format = SpanFormat.fromConfig(p.getText());
          case "key" -> key = p.getText().getBytes(StandardCharsets.UTF_8);
          case "key_b64" -> key = Base64.getDecoder().decode(p.getText());
          case "value" -> value = p.getText().getBytes(StandardCharsets.UTF_8);
          case "value_b64" -> value = Base64.getDecoder().decode(p.getText());
          default -> { } // unknown fields are allowed: other tools may annotate lines
        }
      }
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("trailing content after the object");
      }
    }
    if (format == null) {
      throw new IllegalArgumentException("no 'format' and no default format given");
    }
    if (value == null) {
      throw new IllegalArgumentException("no 'value' or 'value_b64'");
    }
    return Workload.describe(format, key, value, decoders);
  }

  private static boolean isJson(SpanFormat f) {
    return f == SpanFormat.OTLP_JSON || f == SpanFormat.ZIPKIN_JSON;
  }

  private static Optional<String> utf8(byte[] bytes) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
