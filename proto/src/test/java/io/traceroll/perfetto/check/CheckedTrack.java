package io.traceroll.perfetto.check;

import io.traceroll.perfetto.proto.TrackDescriptor;

/**
 * A track as trace processor imports it.
 *
 * @param parentUuid 0 for a root track
 * @param name the descriptor's name, or for process/thread tracks without one their
 *     process_name/thread_name, or {@code null}
 * @param descriptor the decoded descriptor, for assertions on presentation fields
 */
public record CheckedTrack(long uuid, long parentUuid, String name, Kind kind, int pid, long tid,
    TrackDescriptor descriptor) {

  /** What the descriptor makes of the track. */
  public enum Kind { CUSTOM, PROCESS, THREAD, COUNTER }

  public String description() {
    return descriptor.hasDescription() ? descriptor.getDescription() : null;
  }
}
