package io.traceroll.perfetto.check;

import java.util.List;
import java.util.NoSuchElementException;

/** What {@link TraceChecker} found in a valid trace: the shape trace processor would import. */
public record CheckedTrace(int packetCount, List<CheckedTrack> tracks, List<CheckedSlice> slices,
    List<CheckedCounter> counters, List<CheckedFlow> flows) {

  public CheckedTrace {
    tracks = List.copyOf(tracks);
    slices = List.copyOf(slices);
    counters = List.copyOf(counters);
    flows = List.copyOf(flows);
  }

  public CheckedTrack track(long uuid) {
    return tracks.stream().filter(t -> t.uuid() == uuid).findFirst()
        .orElseThrow(() -> new NoSuchElementException("no track " + uuid));
  }

  /** The single track of this name; fails if there are none or several. */
  public CheckedTrack trackNamed(String name) {
    List<CheckedTrack> found = tracks.stream().filter(t -> name.equals(t.name())).toList();
    if (found.size() != 1) {
      throw new NoSuchElementException(found.size() + " tracks named " + name + ": " + found);
    }
    return found.get(0);
  }

  public List<CheckedTrack> children(long parentUuid) {
    return tracks.stream().filter(t -> t.parentUuid() == parentUuid).toList();
  }

  /** Slices proper (not instants), in timestamp order. */
  public List<CheckedSlice> durationSlices() {
    return slices.stream().filter(s -> !s.instant()).toList();
  }

  public List<CheckedSlice> instants() {
    return slices.stream().filter(CheckedSlice::instant).toList();
  }

  public List<CheckedSlice> slicesNamed(String name) {
    return slices.stream().filter(s -> name.equals(s.name())).toList();
  }

  /** The single slice or instant of this name; fails if there are none or several. */
  public CheckedSlice sliceNamed(String name) {
    List<CheckedSlice> found = slicesNamed(name);
    if (found.size() != 1) {
      throw new NoSuchElementException(found.size() + " slices named " + name);
    }
    return found.get(0);
  }

  public List<CheckedSlice> slicesOn(long trackUuid) {
    return slices.stream().filter(s -> s.trackUuid() == trackUuid).toList();
  }

  public List<CheckedCounter> countersOn(long trackUuid) {
    return counters.stream().filter(c -> c.trackUuid() == trackUuid).toList();
  }
}
