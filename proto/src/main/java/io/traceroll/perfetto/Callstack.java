package io.traceroll.perfetto;

import java.util.List;

/**
 * A callstack attached to an event, outermost frame first (as Perfetto orders {@code
 * frame_ids}). The writer interns function names, frames and the callstack itself, so a stack
 * repeated on thousands of events costs a varint each after its first use.
 */
public record Callstack(List<Frame> frames) {
  public Callstack {
    frames = List.copyOf(frames);
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("a callstack has at least one frame");
    }
  }

  public static Callstack of(Frame... frames) {
    return new Callstack(List.of(frames));
  }
}
