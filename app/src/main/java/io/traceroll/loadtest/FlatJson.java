package io.traceroll.loadtest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench-result.json}: one flat object of numbers, strings, booleans and string lists, so
 * that a script (or a test) reads a result without knowing our classes.
 */
final class FlatJson {
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private FlatJson() {}

  static String write(Map<String, ?> fields) {
    StringWriter s = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(s).useDefaultPrettyPrinter()) {
      g.writeStartObject();
      for (Map.Entry<String, ?> e : fields.entrySet()) {
        g.writeFieldName(e.getKey());
        Object v = e.getValue();
        if (v == null) {
          g.writeNull();
        } else if (v instanceof Integer || v instanceof Long) {
          g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number n) {
          double d = n.doubleValue();
          if (Double.isFinite(d)) {
            g.writeNumber(d);
          } else {
            g.writeNull(); // JSON has no NaN; null says "not measured"
          }
        } else if (v instanceof Boolean b) {
          g.writeBoolean(b);
        } else if (v instanceof List<?> list) {
          g.writeStartArray();
          for (Object o : list) {
            g.writeString(String.valueOf(o));
          }
          g.writeEndArray();
        } else {
          g.writeString(v.toString());
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return s + "\n";
  }

  /** Numbers come back as Long or Double, lists as List of String. */
  static Map<String, Object> read(String json) throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (t) {
          case VALUE_NUMBER_INT -> out.put(name, p.getLongValue());
          case VALUE_NUMBER_FLOAT -> out.put(name, p.getDoubleValue());
          case VALUE_TRUE, VALUE_FALSE -> out.put(name, p.getBooleanValue());
          case VALUE_NULL -> out.put(name, null);
          case START_ARRAY -> {
            List<String> list = new java.util.ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
              list.add(p.getText());
            }
            out.put(name, list);
          }
          default -> out.put(name, p.getText());
        }
      }
    }
    return out;
  }
}
