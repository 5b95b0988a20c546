package io.traceroll.topology;

import io.traceroll.archive.ArchiveLayout;
import io.traceroll.serdes.DecoderSettings;
import io.traceroll.serdes.TraceKeyRule;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the topology is built from; {@link TracerollConfig} builds it from configuration and
 * tests build it directly. See {@code topology/CONFIG.md} for the meaning and defaults.
 *
 * @param inactivityGap a request closes when no span of it arrived for this long (either clock)
 * @param rootGrace a request whose root span ended, with no span running past it, closes after
 *     this much quiet instead of the full gap
 * @param maxRequestDuration a part is rolled at the latest this long after it opened
 * @param spanRetention how long spans stay in the window stores; must cover max-request-duration
 *     plus the gap plus the longest archive outage to ride out
 * @param requestRetention how long a closed request remembers its part counter, so a late span
 *     becomes a new part instead of overwriting part 0
 * @param archiveRetryBudget how long one emission retries a failing archive before leaving the part
 *     in state for the next punctuation
 * @param archiveThreads parts finished together (one punctuation) are encoded, compressed and put
 *     on this many threads, shared by all stream threads of the instance
 * @param archiveInFlight parts of one task being archived while its stream thread reads on (they
 *     wait sealed in state, announced in order as they complete); 0 archives inside the punctuation
 *     that closed them, the stream thread waiting
 * @param punctuationBudget how long one punctuation of one task goes on closing and archiving
 *     parts; due requests left over wait for the next punctuation. Bounds the exactly-once
 *     transaction a backlog would otherwise hold open past {@code transaction.timeout.ms}
 */
public record TopologySettings(
    List<InputTopic> inputs,
    DecoderSettings decoder,
    ArchiveLayout layout,
    String indexTopic,
    String deadLetterTopic,
    Duration inactivityGap,
    Duration rootGrace,
    Duration maxRequestDuration,
    int maxSpansPerPart,
    long maxBytesPerPart,
    Duration spanRetention,
    Duration requestRetention,
    Duration punctuationInterval,
    Duration archiveRetryBudget,
    int archiveThreads,
    int archiveInFlight,
    Duration punctuationBudget) {

  public TopologySettings {
    inputs = List.copyOf(inputs);
    Objects.requireNonNull(decoder, "decoder");
    Objects.requireNonNull(layout, "layout");
    Objects.requireNonNull(indexTopic, "indexTopic");
    Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("at least one input topic is required");
    }
    if (inputs.stream().map(InputTopic::topic).distinct().count() != inputs.size()) {
      throw new IllegalArgumentException("an input topic is listed twice: " + inputs);
    }
    positive("inactivityGap", inactivityGap);
    positive("rootGrace", rootGrace);
    positive("maxRequestDuration", maxRequestDuration);
    positive("punctuationInterval", punctuationInterval);
    positive("requestRetention", requestRetention);
    Objects.requireNonNull(archiveRetryBudget, "archiveRetryBudget");
    if (archiveThreads < 1) {
      throw new IllegalArgumentException("archiveThreads must be >= 1");
    }
    if (archiveInFlight < 0) {
      throw new IllegalArgumentException("archiveInFlight must be >= 0");
    }
    Objects.requireNonNull(punctuationBudget, "punctuationBudget");
    if (punctuationBudget.isNegative()) {
      throw new IllegalArgumentException("punctuationBudget must be >= 0");
    }
    if (maxSpansPerPart < 1 || maxBytesPerPart < 1) {
      throw new IllegalArgumentException("part caps must be >= 1");
    }
    // A part's spans must outlive the part, else a close would find them expired.
    Duration minRetention = maxRequestDuration.plus(inactivityGap).multipliedBy(2);
    if (spanRetention.compareTo(minRetention) < 0) {
      throw new IllegalArgumentException("spanRetention " + spanRetention
          + " must be at least 2 x (maxRequestDuration + inactivityGap) = " + minRetention);
    }
  }

  /** Defaults for everything but the inputs and the layout. */
  public static TopologySettings defaults(List<InputTopic> inputs, ArchiveLayout layout) {
    return new TopologySettings(inputs, DecoderSettings.defaults(), layout, Names.Topic.INDEX,
        Names.Topic.DEAD_LETTERS, TracerollConfig.DEFAULT_INACTIVITY_GAP,
        TracerollConfig.DEFAULT_ROOT_GRACE, TracerollConfig.DEFAULT_MAX_REQUEST_DURATION,
        TracerollConfig.DEFAULT_MAX_SPANS_PER_PART, TracerollConfig.DEFAULT_MAX_BYTES_PER_PART,
        TracerollConfig.DEFAULT_SPAN_RETENTION, TracerollConfig.DEFAULT_REQUEST_RETENTION,
        TracerollConfig.DEFAULT_PUNCTUATION_INTERVAL, TracerollConfig.DEFAULT_ARCHIVE_RETRY_BUDGET,
        TracerollConfig.DEFAULT_ARCHIVE_THREADS, TracerollConfig.DEFAULT_ARCHIVE_IN_FLIGHT,
        TracerollConfig.DEFAULT_PUNCTUATION_BUDGET);
  }

  public TraceKeyRule keyRule() {
    return decoder.keyRule();
  }

  /** Correlation keys need the per-trace resolution stage; the trace id rule does not. */
  public boolean resolvesKeys() {
    return !(decoder.keyRule() instanceof TraceKeyRule.TraceIdRule);
  }

  /**
   * Whether spans may skip the first repartition. Only when EVERY input is keyed by trace id: a
   * keyed input merged with a repartitioned one would put one trace's spans in different tasks
   * whenever the producer's partitioner differs from ours (the Collector's is not Kafka's murmur2).
   */
  public boolean inputsKeyedByTraceId() {
    return inputs.stream().allMatch(InputTopic::keyedByTraceId);
  }

  public TopologySettings withDecoder(DecoderSettings d) {
    return new TopologySettings(inputs, d, layout, indexTopic, deadLetterTopic, inactivityGap,
        rootGrace, maxRequestDuration, maxSpansPerPart, maxBytesPerPart, spanRetention,
        requestRetention, punctuationInterval, archiveRetryBudget, archiveThreads,
        archiveInFlight, punctuationBudget);
  }

  public TopologySettings withTiming(Duration gap, Duration grace, Duration maxDuration) {
    return new TopologySettings(inputs, decoder, layout, indexTopic, deadLetterTopic, gap, grace,
        maxDuration, maxSpansPerPart, maxBytesPerPart, spanRetention, requestRetention,
        punctuationInterval, archiveRetryBudget, archiveThreads,
        archiveInFlight, punctuationBudget);
  }

  public TopologySettings withPartCaps(int maxSpans, long maxBytes) {
    return new TopologySettings(inputs, decoder, layout, indexTopic, deadLetterTopic,
        inactivityGap, rootGrace, maxRequestDuration, maxSpans, maxBytes, spanRetention,
        requestRetention, punctuationInterval, archiveRetryBudget, archiveThreads,
        archiveInFlight, punctuationBudget);
  }

  public TopologySettings withArchiveRetryBudget(Duration budget) {
    return new TopologySettings(inputs, decoder, layout, indexTopic, deadLetterTopic,
        inactivityGap, rootGrace, maxRequestDuration, maxSpansPerPart, maxBytesPerPart,
        spanRetention, requestRetention, punctuationInterval, budget, archiveThreads,
        archiveInFlight, punctuationBudget);
  }

  public TopologySettings withArchiveThreads(int threads) {
    return new TopologySettings(inputs, decoder, layout, indexTopic, deadLetterTopic,
        inactivityGap, rootGrace, maxRequestDuration, maxSpansPerPart, maxBytesPerPart,
        spanRetention, requestRetention, punctuationInterval, archiveRetryBudget, threads,
        archiveInFlight, punctuationBudget);
  }

  public TopologySettings withPunctuationBudget(Duration budget) {
    return new TopologySettings(inputs, decoder, layout, indexTopic, deadLetterTopic,
        inactivityGap, rootGrace, maxRequestDuration, maxSpansPerPart, maxBytesPerPart,
        spanRetention, requestRetention, punctuationInterval, archiveRetryBudget, archiveThreads,
        archiveInFlight, budget);
  }

  public TopologySettings withArchiveInFlight(int parts) {
    return new TopologySettings(inputs, decoder, layout, indexTopic, deadLetterTopic,
        inactivityGap, rootGrace, maxRequestDuration, maxSpansPerPart, maxBytesPerPart,
        spanRetention, requestRetention, punctuationInterval, archiveRetryBudget, archiveThreads,
        parts, punctuationBudget);
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }
}
