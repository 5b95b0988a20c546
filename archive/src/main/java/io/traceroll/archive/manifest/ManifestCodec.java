package io.traceroll.archive.manifest;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.traceroll.archive.ManifestEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Newline-delimited JSON for {@link ManifestEntry}, one object per line, with jackson-core
 * streaming (no data binding, no reflection).
 *
 * <pre>
 * {"v":1,"traceKey":"...","part":0,"objectKey":"...","startNanos":...,"endNanos":...,
 *  "spanCount":12,"services":["api"],"rootSpanName":"GET /x","errorCount":0,"bytes":2048,
 *  "late":false,"traceIds":["4bf9..."]}
 * </pre>
 *
 * <p>Non-ASCII is written as {@code \\uXXXX} escapes: lines stay ASCII, and trace keys holding
 * unpaired surrogates (which UTF-8 cannot carry) round-trip exactly. Nanosecond times are JSON
 * integers (int64); readers in languages with double-only numbers must parse them as big ints.
 * Unknown fields are skipped when reading, so later versions can add fields.
 */
public final class ManifestCodec {

  /** Format version written as {@code "v"}; readers reject lines with a higher one. */
  public static final int VERSION = 1;

  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
      // a manifest line is small; bound what a corrupt or hostile object can make us allocate
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(16 * 1024 * 1024)
          .maxNestingDepth(8).build())
      .build();

  private ManifestCodec() {}

  /** Serializes entries as NDJSON (each line ends with {@code \n}). */
  public static byte[] encode(List<ManifestEntry> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 * Math.max(1, entries.size()));
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      for (ManifestEntry e : entries) {
        g.writeStartObject();
        g.writeNumberField("v", VERSION);
        g.writeStringField("traceKey", e.traceKey());
        g.writeNumberField("part", e.part());
        g.writeStringField("objectKey", e.objectKey());
        g.writeNumberField("startNanos", e.startNanos());
        g.writeNumberField("endNanos", e.endNanos());
        g.writeNumberField("spanCount", e.spanCount());
        writeStrings(g, "services", e.services());
        if (e.rootSpanName() != null) {
          g.writeStringField("rootSpanName", e.rootSpanName());
        }
        g.writeNumberField("errorCount", e.errorCount());
        g.writeNumberField("bytes", e.bytes());
        g.writeBooleanField("late", e.late());
        writeStrings(g, "traceIds", e.traceIds());
        g.writeEndObject();
        g.writeRaw('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory JSON write failed", e);
    }
    return out.toByteArray();
  }

  private static void writeStrings(JsonGenerator g, String field, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  /**
   * Parses one line.
   *
   * @throws IllegalArgumentException describing what is wrong (malformed JSON, missing or mistyped
   *     field, unsupported version)
   */
  public static ManifestEntry decodeLine(String line) {
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JSON object");
      }
      String traceKey = null;
      String objectKey = null;
      String rootSpanName = null;
      Long part = null;
      Long start = null;
      Long end = null;
      long spanCount = 0;
      long errorCount = 0;
      long bytes = 0;
      boolean late = false;
      List<String> services = List.of();
      List<String> traceIds = List.of();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "v" -> {
            long v = integer(p, t, name);
            if (v > VERSION) {
              throw new IllegalArgumentException("manifest version " + v + " is newer than "
                  + VERSION);
            }
          }
          case "traceKey" -> traceKey = string(p, t, name);
          case "objectKey" -> objectKey = string(p, t, name);
          case "rootSpanName" -> rootSpanName = t == JsonToken.VALUE_NULL ? null : string(p, t, name);
          case "part" -> part = integer(p, t, name);
          case "startNanos" -> start = integer(p, t, name);
          case "endNanos" -> end = integer(p, t, name);
          case "spanCount" -> spanCount = integer(p, t, name);
          case "errorCount" -> errorCount = integer(p, t, name);
          case "bytes" -> bytes = integer(p, t, name);
          case "late" -> {
            if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
              throw new IllegalArgumentException("'late' is not a boolean");
            }
            late = t == JsonToken.VALUE_TRUE;
          }
          case "services" -> services = strings(p, t, name);
          case "traceIds" -> traceIds = strings(p, t, name);
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new IllegalArgumentException("malformed JSON object");
      }
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("trailing content after the object");
      }
      if (traceKey == null || objectKey == null || part == null || start == null || end == null) {
        throw new IllegalArgumentException(
            "missing one of traceKey, objectKey, part, startNanos, endNanos");
      }
      return new ManifestEntry(traceKey, toInt(part, "part"), objectKey, start, end,
          toInt(spanCount, "spanCount"), services, rootSpanName, toInt(errorCount, "errorCount"),
          bytes, late, traceIds);
    } catch (IOException e) {
      // jackson's parse errors (JsonProcessingException is an IOException)
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new IllegalArgumentException("malformed JSON: " + why, e);
    }
  }

  private static String string(JsonParser p, JsonToken t, String name) throws IOException {
    if (t != JsonToken.VALUE_STRING) {
      throw new IllegalArgumentException("'" + name + "' is not a string");
    }
    return p.getText();
  }

  private static long integer(JsonParser p, JsonToken t, String name) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw new IllegalArgumentException("'" + name + "' is not an integer");
    }
    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new IllegalArgumentException("'" + name + "' is out of range");
    }
    return p.getLongValue();
  }

  private static int toInt(long v, String name) {
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("'" + name + "' is out of range: " + v);
    }
    return (int) v;
  }

  private static List<String> strings(JsonParser p, JsonToken t, String name) throws IOException {
    if (t != JsonToken.START_ARRAY) {
      throw new IllegalArgumentException("'" + name + "' is not an array");
    }
    List<String> out = new ArrayList<>();
    JsonToken item;
    while ((item = p.nextToken()) != JsonToken.END_ARRAY) {
      out.add(string(p, item, name));
    }
    return out;
  }
}
