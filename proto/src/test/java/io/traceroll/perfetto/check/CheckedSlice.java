package io.traceroll.perfetto.check;

import java.util.List;
import java.util.Map;

/**
 * A slice (or, with {@code instant}, an instant: trace processor stores both as slices, instants
 * with {@code dur} 0).
 *
 * @param args flattened debug annotations of BEGIN and END merged, keyed as trace processor's
 *     args without its "debug." prefix: {@code attributes.http.method}, {@code tags[0]}; values
 *     are Boolean, Long (int, uint and pointer), Double or String
 * @param correlation correlation_id (decimal), correlation_id_str or the interned string, or
 *     {@code null}
 * @param callstack frames of the event's callstack (interned or inline), outermost first, each as
 *     "function (file:line)" (an inline frame's function, file and line fields; an interned
 *     frame's function name, which carries them); empty if none
 * @param depth nesting depth on its track, 0 for top level
 */
public record CheckedSlice(long trackUuid, String name, long ts, long dur, boolean instant,
    List<String> categories, Map<String, Object> args, List<Long> flowIds,
    List<Long> terminatingFlowIds, String correlation, List<String> callstack, int depth) {

  public long end() {
    return ts + dur;
  }

  /** Categories joined with ',' as trace processor's {@code slice.category}, or null. */
  public String category() {
    return categories.isEmpty() ? null : String.join(",", categories);
  }

  public Object arg(String key) {
    return args.get(key);
  }
}
