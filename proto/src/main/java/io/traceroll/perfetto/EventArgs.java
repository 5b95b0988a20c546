package io.traceroll.perfetto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Everything a slice or instant may carry besides track, time and name. Immutable; build with
 * {@link #builder()}, or use {@link #NONE}.
 *
 * <p>Flows: an id in {@code flowIds} links this event to the next event carrying the same id
 * (trace processor draws an arrow between them); an id in {@code terminatingFlowIds} ends the
 * flow here so the id can be reused. An id should be in one list or the other, not both.
 */
public final class EventArgs {

  /** No categories, annotations, flows, correlation or callstack. */
  public static final EventArgs NONE = new EventArgs(List.of(), List.of(), new long[0],
      new long[0], null, null, null, new long[0], new long[0]);

  private static final long[] NO_IDS = new long[0];

  private final List<String> categories;
  private final List<Annotation> annotations;
  private final long[] flowIds;
  private final long[] terminatingFlowIds;
  private final Correlation correlation;
  private final Callstack callstack;
  private final List<InlineFrame> inlineCallstack;
  private final long[] counterTracks;
  private final long[] counterValues;

  private EventArgs(List<String> categories, List<Annotation> annotations, long[] flowIds,
      long[] terminatingFlowIds, Correlation correlation, Callstack callstack,
      List<InlineFrame> inlineCallstack, long[] counterTracks, long[] counterValues) {
    this.inlineCallstack = inlineCallstack;
    this.counterTracks = counterTracks;
    this.counterValues = counterValues;
    this.categories = categories;
    this.annotations = annotations;
    this.flowIds = flowIds;
    this.terminatingFlowIds = terminatingFlowIds;
    this.correlation = correlation;
    this.callstack = callstack;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Categories (interned by the writer), e.g. the span kind. */
  public List<String> categories() {
    return categories;
  }

  public List<Annotation> annotations() {
    return annotations;
  }

  public int flowIdCount() {
    return flowIds.length;
  }

  public long flowId(int i) {
    return flowIds[i];
  }

  public int terminatingFlowIdCount() {
    return terminatingFlowIds.length;
  }

  public long terminatingFlowId(int i) {
    return terminatingFlowIds[i];
  }

  /** May be {@code null}. */
  public Correlation correlation() {
    return correlation;
  }

  /** May be {@code null}. */
  public Callstack callstack() {
    return callstack;
  }

  /** Frames of an inline callstack, outermost first; may be {@code null}. */
  public List<InlineFrame> inlineCallstack() {
    return inlineCallstack;
  }

  /** Counter values this event sets at its timestamp ({@link Builder#counterValue}). */
  public int counterValueCount() {
    return counterTracks.length;
  }

  public long counterTrack(int i) {
    return counterTracks[i];
  }

  public long counterValue(int i) {
    return counterValues[i];
  }

  @Override
  public String toString() {
    return "EventArgs[categories=" + categories + ", annotations=" + annotations + ", flows="
        + Arrays.toString(flowIds) + ", terminating=" + Arrays.toString(terminatingFlowIds)
        + ", correlation=" + correlation + ", callstack=" + callstack + ", inlineCallstack=" + inlineCallstack + ", counterTracks="
        + Arrays.toString(counterTracks) + ", counterValues=" + Arrays.toString(counterValues)
        + "]";
  }

  /** Mutable, single-use builder. */
  public static final class Builder {
    private final List<String> categories = new ArrayList<>(2);
    private final List<Annotation> annotations = new ArrayList<>();
    private long[] flows = NO_IDS;
    private long[] terminating = NO_IDS;
    private Correlation correlation;
    private Callstack callstack;
    private List<InlineFrame> inlineCallstack;
    private long[] counterTracks = NO_IDS;
    private long[] counterValues = NO_IDS;

    private Builder() {}

    public Builder category(String category) {
      categories.add(Objects.requireNonNull(category, "category"));
      return this;
    }

    public Builder annotate(Annotation annotation) {
      annotations.add(Objects.requireNonNull(annotation, "annotation"));
      return this;
    }

    public Builder annotate(List<Annotation> more) {
      for (Annotation a : more) {
        annotate(a);
      }
      return this;
    }

    /** Starts or continues flow {@code id} at this event. */
    public Builder flow(long id) {
      flows = append(flows, id);
      return this;
    }

    /** Ends flow {@code id} at this event. */
    public Builder terminateFlow(long id) {
      terminating = append(terminating, id);
      return this;
    }

    public Builder correlation(Correlation value) {
      correlation = value;
      return this;
    }

    /** An interned callstack: for stacks that repeat. Replaces an inline one. */
    public Builder callstack(Callstack value) {
      callstack = value;
      inlineCallstack = null;
      return this;
    }

    /** A callstack written inline on this event: for a stack seen once. Replaces an interned one. */
    public Builder inlineCallstack(List<InlineFrame> frames) {
      if (frames.isEmpty()) {
        throw new IllegalArgumentException("a callstack has at least one frame");
      }
      inlineCallstack = List.copyOf(frames);
      callstack = null;
      return this;
    }

    /**
     * Sets counter track {@code trackUuid} to {@code value} at this event's timestamp, in this
     * event's packet ({@code extra_counter_values}): the same as a {@link
     * PerfettoWriter#counter} call at that instant, without a packet of its own.
     */
    public Builder counterValue(long trackUuid, long value) {
      counterTracks = append(counterTracks, trackUuid);
      counterValues = append(counterValues, value);
      return this;
    }

    public EventArgs build() {
      // one EventArgs per slice: the common empty arrays are shared, not cloned
      return new EventArgs(List.copyOf(categories), List.copyOf(annotations), copy(flows),
          copy(terminating), correlation, callstack, inlineCallstack, copy(counterTracks),
          copy(counterValues));
    }

    private static long[] copy(long[] array) {
      return array.length == 0 ? NO_IDS : array.clone();
    }

    private static long[] append(long[] array, long value) {
      long[] out = Arrays.copyOf(array, array.length + 1);
      out[array.length] = value;
      return out;
    }
  }
}
