package io.traceroll.serdes;

import java.util.List;

import java.util.ArrayList;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.Base64;

/**
 * Typed reads over a Jackson streaming parser for the JSON decoders (support code, not an API).
 *
 * <p>Two kinds of bad input are told apart on purpose. Broken JSON (syntax, truncation, nesting
 * deeper than {@link #MAX_NESTING_DEPTH}) throws: nothing after it can be trusted, so the whole
 * record is dead-lettered. A well-formed value of the wrong type (a string where a number belongs)
 * is only recorded in {@link #problem()} and skipped, so the decoder can dead-letter just the span
 * that contains it and keep its siblings.
 */
public final class JsonCursor {
  /**
   * Real span documents nest about ten levels (attribute arrays of kvlists add a few). Jackson
   * enforces the bound while tokenising, so recursive readers above it cannot overflow the stack.
   */
  public static final int MAX_NESTING_DEPTH = 256;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_NESTING_DEPTH)
          .build())
      .build();

  private final JsonParser parser;
  private String problem;

  private JsonCursor(JsonParser parser) {
    this.parser = parser;
  }

  /** Reads one JSON document's spans; {@link #decode} wraps it in the shared envelope. */
  @FunctionalInterface
  public interface DocumentReader {
    void read(JsonCursor in, List<io.traceroll.span.Span> kept,
        List<DecodedBatch.InvalidSpan> invalid) throws IOException, SpanDecodeException;
  }

  /**
   * What every JSON decoder does around its own document reading: rejects an empty record, maps
   * Jackson's errors to {@code malformed_json}, insists on a single document and always closes the
   * parser.
   */
  public static DecodedBatch decode(byte[] payload, DocumentReader reader)
      throws SpanDecodeException {
    if (payload.length == 0) {
      throw new SpanDecodeException("empty_payload", "record value is empty");
    }
    List<io.traceroll.span.Span> kept = new ArrayList<>();
    List<DecodedBatch.InvalidSpan> invalid = new ArrayList<>(0);
    JsonCursor in = null;
    try {
      in = open(payload);
      reader.read(in, kept, invalid);
      in.expectEnd();
    } catch (JsonProcessingException e) {
      throw new SpanDecodeException("malformed_json", e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new SpanDecodeException("malformed_json", e.getMessage(), e);
    } finally {
      if (in != null) {
        in.close();
      }
    }
    return new DecodedBatch(kept, invalid);
  }

  public static JsonCursor open(byte[] payload) throws IOException {
    return new JsonCursor(FACTORY.createParser(payload));
  }

  public JsonParser parser() {
    return parser;
  }

  /** First wrong-typed field seen since the last {@link #clearProblem()}, or null. */
  public String problem() {
    return problem;
  }

  /** Returns and clears the recorded problem: a decoder scopes problems to one span this way. */
  public String takeProblem() {
    String p = problem;
    problem = null;
    return p;
  }

  /** Puts back a problem taken by {@link #takeProblem()} (null is ignored). */
  public void restoreProblem(String p) {
    if (p != null) {
      problem = p;
    }
  }

  /** Records a wrong-typed value for {@code field} and skips it (and its children). */
  public void wrongType(String field) throws IOException {
    if (problem == null) {
      problem = "invalid_field:" + field;
    }
    parser.skipChildren();
  }

  public JsonToken next() throws IOException {
    JsonToken t = parser.nextToken();
    if (t == null) {
      throw new JsonEndException(parser);
    }
    return t;
  }

  public JsonToken current() {
    return parser.currentToken();
  }

  /** Advances inside an object; returns the next field name (value not yet read) or null at end. */
  public String nextField() throws IOException {
    JsonToken t = next();
    if (t == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      next();
      return name;
    }
    return null; // END_OBJECT: Jackson rejects anything else inside an object
  }

  /** Advances inside an array; false at its end. */
  public boolean nextElement() throws IOException {
    return next() != JsonToken.END_ARRAY;
  }

  /** Current value is an object? A JSON null counts as absent; other types are wrong-typed. */
  public boolean isObject(String field) throws IOException {
    JsonToken t = parser.currentToken();
    if (t == JsonToken.START_OBJECT) {
      return true;
    }
    if (t != JsonToken.VALUE_NULL) {
      wrongType(field);
    }
    return false;
  }

  public boolean isArray(String field) throws IOException {
    JsonToken t = parser.currentToken();
    if (t == JsonToken.START_ARRAY) {
      return true;
    }
    if (t != JsonToken.VALUE_NULL) {
      wrongType(field);
    }
    return false;
  }

  public void skip() throws IOException {
    parser.skipChildren();
  }

  /** String value, or null when JSON null or wrong-typed. */
  public String string(String field) throws IOException {
    JsonToken t = parser.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      return parser.getText();
    }
    if (t != JsonToken.VALUE_NULL) {
      wrongType(field);
    }
    return null;
  }

  public boolean bool(String field) throws IOException {
    JsonToken t = parser.currentToken();
    if (t == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (t != JsonToken.VALUE_FALSE && t != JsonToken.VALUE_NULL) {
      wrongType(field);
    }
    return false;
  }

  /**
   * A signed 64-bit integer, as a JSON number or (protobuf JSON mapping for int64) a decimal
   * string; 0 when null or wrong-typed.
   */
  public long int64(String field) throws IOException {
    return integer(field, false);
  }

  /** An unsigned 64-bit integer (fixed64 timestamps); values past 2^63 wrap like Java's longs. */
  public long uint64(String field) throws IOException {
    return integer(field, true);
  }

  private long integer(String field, boolean unsigned) throws IOException {
    JsonToken t = parser.currentToken();
    try {
      if (t == JsonToken.VALUE_NUMBER_INT) {
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          return unsigned ? Long.parseUnsignedLong(parser.getText()) : parser.getLongValue();
        }
        return parser.getLongValue();
      }
      if (t == JsonToken.VALUE_STRING) {
        String s = parser.getText();
        return unsigned ? Long.parseUnsignedLong(s) : Long.parseLong(s);
      }
    } catch (NumberFormatException | JsonProcessingException e) {
      wrongType(field);
      return 0;
    }
    if (t != JsonToken.VALUE_NULL) {
      wrongType(field);
    }
    return 0;
  }

  /** A double as a JSON number or, per the protobuf JSON mapping, "NaN"/"Infinity"/"-Infinity". */
  public double dbl(String field) throws IOException {
    JsonToken t = parser.currentToken();
    if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      return parser.getDoubleValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      String s = parser.getText();
      switch (s) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          try {
            return Double.parseDouble(s);
          } catch (NumberFormatException e) {
            wrongType(field);
            return 0;
          }
      }
    }
    if (t != JsonToken.VALUE_NULL) {
      wrongType(field);
    }
    return 0;
  }

  /** Base64 (standard or URL-safe, as the protobuf JSON mapping accepts); null when invalid. */
  public byte[] base64(String field) throws IOException {
    String s = string(field);
    if (s == null) {
      return null;
    }
    try {
      boolean urlSafe = s.indexOf('-') >= 0 || s.indexOf('_') >= 0;
      return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(s);
    } catch (IllegalArgumentException e) {
      wrongType(field);
      return null;
    }
  }

  /** After the top-level value: anything but end of input means the record is not one document. */
  public void expectEnd() throws IOException {
    if (parser.nextToken() != null) {
      throw new com.fasterxml.jackson.core.JsonParseException(parser,
          "trailing content after the top-level JSON value");
    }
  }

  public void close() {
    try {
      parser.close();
    } catch (IOException ignored) {
      // byte-array source: nothing to release
    }
  }

  /** Input ended inside a value. */
  static final class JsonEndException extends com.fasterxml.jackson.core.JsonParseException {
    JsonEndException(JsonParser p) {
      super(p, "unexpected end of JSON input");
    }
  }
}
