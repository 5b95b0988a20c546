package io.traceroll.perfetto;

/**
 * Whether the UI merges a track with same-parent siblings ({@code
 * TrackDescriptor.SiblingMergeBehavior}). By default siblings of equal name merge, which is wrong
 * for e.g. two concurrent calls to the same endpoint; {@link #NONE} keeps them apart and {@link
 * #BY_SIBLING_MERGE_KEY} merges by {@link Track#siblingMergeKey()} instead of by name.
 */
public enum SiblingMerge {
  UNSPECIFIED(0), BY_TRACK_NAME(1), NONE(2), BY_SIBLING_MERGE_KEY(3);

  final int wire;

  SiblingMerge(int wire) {
    this.wire = wire;
  }
}
