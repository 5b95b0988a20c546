package io.traceroll.loadtest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the pipeline JVM reports about itself, one line on its stdout, read by the benchmark.
 *
 * @param spansIn valid spans decoded (topology counter)
 * @param spansArchived spans in archived parts
 * @param deadLetters dead-lettered records and spans
 * @param heapUsed heap in use now
 * @param heapAfterGc heap in use after the latest collection (live data plus what that collection
 *     did not reach); after a forced full GC, the live heap
 * @param maxHeapAfterGc the largest {@code heapAfterGc} seen: the peak live heap
 * @param heapPoolPeaks sum of the heap pools' peak usage: an upper bound (pools peak at different
 *     times) that includes garbage
 * @param compileMillis time the JIT compiler threads have spent since the JVM started
 * @param commandsDone stdin commands handled so far: a reply is the first line counting it
 * @param failure why Streams died, empty while healthy
 */
public record ChildStats(long spansIn, long spansArchived, long deadLetters, long partsWritten,
    long requestsArchived, long heapUsed, long heapAfterGc, long maxHeapAfterGc,
    long heapPoolPeaks, long heapMax, long gcCount, long compileMillis, long commandsDone,
    String failure) {

  /** Prefix of a stats line in the child's output; everything else there is log. */
  public static final String PREFIX = "traceroll-bench-stats ";
  private static final JsonFactory JSON = JsonFactory.builder().build();

  public String toLine() {
    StringWriter s = new StringWriter(320);
    try (JsonGenerator g = JSON.createGenerator(s)) {
      g.writeStartObject();
      g.writeNumberField("spansIn", spansIn);
      g.writeNumberField("spansArchived", spansArchived);
      g.writeNumberField("deadLetters", deadLetters);
      g.writeNumberField("partsWritten", partsWritten);
      g.writeNumberField("requestsArchived", requestsArchived);
      g.writeNumberField("heapUsed", heapUsed);
      g.writeNumberField("heapAfterGc", heapAfterGc);
      g.writeNumberField("maxHeapAfterGc", maxHeapAfterGc);
      g.writeNumberField("heapPoolPeaks", heapPoolPeaks);
      g.writeNumberField("heapMax", heapMax);
      g.writeNumberField("gcCount", gcCount);
      g.writeNumberField("compileMillis", compileMillis);
      g.writeNumberField("commandsDone", commandsDone);
      g.writeStringField("failure", failure);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e); // a StringWriter does not fail
    }
    return PREFIX + s;
  }

  /** The stats of a line of the child's output, empty for any other line. */
  public static Optional<ChildStats> parse(String line) {
    if (!line.startsWith(PREFIX)) {
      return Optional.empty();
    }
    Map<String, Object> f = new LinkedHashMap<>();
    try (JsonParser p = JSON.createParser(line.substring(PREFIX.length()))) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        f.put(name, v == JsonToken.VALUE_NUMBER_INT ? (Object) p.getLongValue() : p.getText());
      }
    } catch (IOException e) {
      return Optional.empty(); // a half-written line of a dying child
    }
    try {
      return Optional.of(new ChildStats(num(f, "spansIn"), num(f, "spansArchived"),
          num(f, "deadLetters"), num(f, "partsWritten"), num(f, "requestsArchived"),
          num(f, "heapUsed"), num(f, "heapAfterGc"), num(f, "maxHeapAfterGc"),
          num(f, "heapPoolPeaks"), num(f, "heapMax"), num(f, "gcCount"), num(f, "compileMillis"),
          num(f, "commandsDone"),
          String.valueOf(f.getOrDefault("failure", ""))));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static long num(Map<String, Object> f, String name) {
    Object v = f.get(name);
    if (!(v instanceof Long l)) {
      throw new IllegalArgumentException("missing " + name);
    }
    return l;
  }
}
