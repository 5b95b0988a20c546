package io.traceroll.perfetto;

/**
 * How the UI orders the direct children of a track ({@code TrackDescriptor.ChildTracksOrdering}).
 * {@link #EXPLICIT} sorts by each child's {@link Track#siblingOrderRank()}.
 */
public enum ChildOrdering {
  UNSPECIFIED(0), LEXICOGRAPHIC(1), CHRONOLOGICAL(2), EXPLICIT(3);

  final int wire;

  ChildOrdering(int wire) {
    this.wire = wire;
  }
}
