package io.traceroll.perfetto;

import java.util.Objects;

/**
 * A track to describe with {@link PerfettoWriter#describe(Track)}: an immutable value so that the
 * writer can tell "described again identically" (fine, e.g. by a later part of the same request)
 * from "described again differently" (a bug: trace processor would keep only one of them).
 *
 * <p>Start from {@link #process}, {@link #thread}, {@link #named} or {@link #counter} and refine
 * with the {@code with...} methods. Uuids are chosen by the caller and must be non-zero (0 is
 * trace processor's implicit global track); {@link #uuidOf(String)} derives a stable one.
 *
 * @param parentUuid 0 for a top-level track
 * @param name track name, or {@code null} to let the UI derive it (process/thread tracks)
 * @param pid process id of process and thread tracks, else 0
 * @param tid thread id of thread tracks, else 0
 * @param osName process_name or thread_name of process/thread tracks, else {@code null}
 * @param counter non-null for counter tracks only
 * @param siblingOrderRank position among siblings when the parent orders EXPLICIT, or {@code null}
 * @param siblingMergeKey required iff {@code siblingMerge} is BY_SIBLING_MERGE_KEY
 */
public record Track(
    long uuid,
    Kind kind,
    long parentUuid,
    String name,
    String description,
    int pid,
    long tid,
    String osName,
    Counter counter,
    ChildOrdering childOrdering,
    Integer siblingOrderRank,
    SiblingMerge siblingMerge,
    String siblingMergeKey) {

  /** What trace processor makes of the track. */
  public enum Kind { CUSTOM, PROCESS, THREAD, COUNTER }

  public Track {
    name = WellFormed.utf16(name);
    description = WellFormed.utf16(description);
    osName = WellFormed.utf16(osName);
    siblingMergeKey = WellFormed.utf16(siblingMergeKey);
    if (uuid == 0) {
      throw new IllegalArgumentException("track uuid 0 is the implicit global track");
    }
    if (parentUuid == uuid) {
      throw new IllegalArgumentException("track " + uuid + " cannot be its own parent");
    }
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(childOrdering, "childOrdering");
    Objects.requireNonNull(siblingMerge, "siblingMerge");
    if ((kind == Kind.COUNTER) != (counter != null)) {
      throw new IllegalArgumentException("a counter descriptor goes with, and only with, COUNTER");
    }
    if ((siblingMerge == SiblingMerge.BY_SIBLING_MERGE_KEY) != (siblingMergeKey != null)) {
      throw new IllegalArgumentException("a sibling merge key goes with BY_SIBLING_MERGE_KEY only");
    }
  }

  /** The process-global track of {@code pid}; timestamp its descriptor (see the writer). */
  public static Track process(long uuid, int pid, String processName) {
    return new Track(uuid, Kind.PROCESS, 0, null, null, pid, 0, processName, null,
        ChildOrdering.UNSPECIFIED, null, SiblingMerge.UNSPECIFIED, null);
  }

  /** The synchronous-execution track of one thread; the UI groups it under {@code pid}. */
  public static Track thread(long uuid, int pid, long tid, String threadName) {
    return new Track(uuid, Kind.THREAD, 0, null, null, pid, tid, threadName, null,
        ChildOrdering.UNSPECIFIED, null, SiblingMerge.UNSPECIFIED, null);
  }

  /** A custom (async) track for slices and instants. */
  public static Track named(long uuid, String name) {
    return new Track(uuid, Kind.CUSTOM, 0, Objects.requireNonNull(name, "name"), null, 0, 0,
        null, null, ChildOrdering.UNSPECIFIED, null, SiblingMerge.UNSPECIFIED, null);
  }

  /** A counter track: only {@link PerfettoWriter#counter} values go on it. */
  public static Track counter(long uuid, String name, Counter counter) {
    return new Track(uuid, Kind.COUNTER, 0, Objects.requireNonNull(name, "name"), null, 0, 0,
        null, Objects.requireNonNull(counter, "counter"), ChildOrdering.UNSPECIFIED, null,
        SiblingMerge.UNSPECIFIED, null);
  }

  public Track withParent(long parent) {
    return new Track(uuid, kind, parent, name, description, pid, tid, osName, counter,
        childOrdering, siblingOrderRank, siblingMerge, siblingMergeKey);
  }

  /** Overrides the name (for process/thread tracks the UI otherwise derives one). */
  public Track withName(String newName) {
    return new Track(uuid, kind, parentUuid, newName, description, pid, tid, osName, counter,
        childOrdering, siblingOrderRank, siblingMerge, siblingMergeKey);
  }

  /** Text the UI shows behind the track's help icon. */
  public Track withDescription(String text) {
    return new Track(uuid, kind, parentUuid, name, text, pid, tid, osName, counter,
        childOrdering, siblingOrderRank, siblingMerge, siblingMergeKey);
  }

  public Track withChildOrdering(ChildOrdering ordering) {
    return new Track(uuid, kind, parentUuid, name, description, pid, tid, osName, counter,
        ordering, siblingOrderRank, siblingMerge, siblingMergeKey);
  }

  /** Rank among siblings, used when the parent orders {@link ChildOrdering#EXPLICIT}. */
  public Track withSiblingOrderRank(int rank) {
    return new Track(uuid, kind, parentUuid, name, description, pid, tid, osName, counter,
        childOrdering, rank, siblingMerge, siblingMergeKey);
  }

  /** Never merge with same-named siblings. */
  public Track withoutMerging() {
    return new Track(uuid, kind, parentUuid, name, description, pid, tid, osName, counter,
        childOrdering, siblingOrderRank, SiblingMerge.NONE, null);
  }

  /** Merge with the siblings having the same key, whatever their names. */
  public Track withMergeKey(String key) {
    return new Track(uuid, kind, parentUuid, name, description, pid, tid, osName, counter,
        childOrdering, siblingOrderRank, SiblingMerge.BY_SIBLING_MERGE_KEY,
        Objects.requireNonNull(key, "key"));
  }

  /** Explicitly merge by name (the UI default). */
  public Track withMergeByName() {
    return new Track(uuid, kind, parentUuid, name, description, pid, tid, osName, counter,
        childOrdering, siblingOrderRank, SiblingMerge.BY_TRACK_NAME, null);
  }

  /**
   * A stable, non-zero 63-bit uuid for a textual identity (e.g. "svc/checkout/instance-3"), so
   * that every part of a request derives the same uuid for the same track without coordination.
   */
  public static long uuidOf(String identity) {
    // FNV-1a over UTF-16 chars, then a murmur finaliser: cheap, deterministic across JVMs (unlike
    // String.hashCode's 32 bits, which would collide after ~65k tracks).
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < identity.length(); i++) {
      h ^= identity.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h &= Long.MAX_VALUE;
    return h == 0 ? 1 : h;
  }
}
