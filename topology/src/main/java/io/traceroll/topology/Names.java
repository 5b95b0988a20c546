package io.traceroll.topology;

/**
 * Every name the topology gives away: processors, state stores, topics and configuration keys.
 *
 * <p>They live in one place because they are an interface, not an implementation detail: store and
 * processor names become changelog/repartition topic names and metric tags, so renaming one is a
 * breaking change for a running deployment (its state would be orphaned). Tests, the HTTP layer
 * and the README table read them from here.
 */
public final class Names {

  private Names() {}

  /** Processor (node) names, as shown by {@code topology.describe()}. */
  public static final class Processor {
    private Processor() {}

    /** Prefix of the source node of each input topic: {@code source-<topic>}. */
    public static final String SOURCE_PREFIX = "source-";
    /** Prefix of the node that fans a decoded batch out into spans: {@code spans-<topic>}. */
    public static final String SPANS_PREFIX = "spans-";
    /** Prefix of the node that dead-letters individually invalid spans: {@code invalid-<topic>}. */
    public static final String INVALID_PREFIX = "invalid-";
    /** Prefix of the dead-letter sink of each input: {@code dead-letter-sink-<topic>}. */
    public static final String DEAD_LETTER_SINK_PREFIX = "dead-letter-sink-";
    public static final String MERGE = "merge-inputs";
    /** Repartition by trace id (correlation-key rules) or by trace key (trace id rule). */
    public static final String BY_TRACE = "by-trace";
    public static final String RESOLVE_KEYS = "resolve-trace-keys";
    public static final String BY_REQUEST = "by-request";
    public static final String COLLECT = "collect-requests";
    public static final String MANIFESTS = "manifests";
    public static final String INDEX_ENTRY = "index-entry";
    public static final String INDEX_SINK = "index-sink";
  }

  /** State store names; each has a changelog topic {@code <application.id>-<store>-changelog}. */
  public static final class Store {
    private Store() {}

    /** Window store, duplicates retained: every span of an open part, keyed by (trace key, part). */
    public static final String SPANS = "request-spans";
    /** Key-value store: the small fixed-size summary of each request. */
    public static final String REQUESTS = "requests";
    /** Key-value store: (time domain, deadline, trace key), range-scanned by the punctuators. */
    public static final String DEADLINES = "request-deadlines";
    /** Key-value store: parts sealed but not yet archived (normally empty; fills during outages). */
    public static final String SEALED = "sealed-parts";
    /** Key-value store: archived parts not yet listed in an hourly manifest. */
    public static final String MANIFEST_PENDING = "manifest-pending";
    /** Key-value store: trace id to the resolved correlation key (or pending state). */
    public static final String TRACE_KEYS = "trace-keys";
    /** Window store, duplicates retained: spans waiting for their trace's correlation key. */
    public static final String PENDING_SPANS = "pending-spans";
    /** Key-value store: deadlines of traces waiting for a key, and of resolved-key expiry. */
    public static final String TRACE_KEY_DEADLINES = "trace-key-deadlines";
  }

  /** Default topic names (each is configurable, see {@link Config}). */
  public static final class Topic {
    private Topic() {}

    public static final String INDEX = "traceroll-index";
    public static final String DEAD_LETTERS = "traceroll-dead-letters";
    public static final String INPUT = "traceroll-spans";
  }

  /** Record header names set on dead letters, in addition to Kafka Streams' own. */
  public static final class Header {
    private Header() {}

    public static final String REASON = "traceroll.reason";
    public static final String FORMAT = "traceroll.format";
    public static final String SOURCE_TOPIC = "traceroll.source.topic";
    public static final String SOURCE_PARTITION = "traceroll.source.partition";
    public static final String SOURCE_OFFSET = "traceroll.source.offset";
  }

  /** Configuration keys read by {@link TracerollConfig}; defaults are in {@link TracerollConfig}. */
  public static final class Config {
    private Config() {}

    /** Comma-separated {@code topic:format[:keyed]} entries, e.g. {@code spans:otlp_proto:keyed}. */
    public static final String INPUTS = "traceroll.inputs";
    public static final String KEY_RULE = "traceroll.key.rule";
    public static final String INDEX_TOPIC = "traceroll.index.topic";
    public static final String DEAD_LETTER_TOPIC = "traceroll.dead.letter.topic";
    public static final String INACTIVITY_GAP = "traceroll.inactivity.gap";
    public static final String ROOT_GRACE = "traceroll.root.grace";
    public static final String MAX_REQUEST_DURATION = "traceroll.max.request.duration";
    public static final String MAX_SPANS_PER_PART = "traceroll.max.spans.per.part";
    public static final String MAX_BYTES_PER_PART = "traceroll.max.bytes.per.part";
    public static final String SPAN_RETENTION = "traceroll.span.retention";
    public static final String REQUEST_RETENTION = "traceroll.request.retention";
    public static final String PUNCTUATION_INTERVAL = "traceroll.punctuation.interval";
    public static final String PUNCTUATION_BUDGET = "traceroll.punctuation.budget";
    public static final String ARCHIVE_RETRY_BUDGET = "traceroll.archive.retry.budget";
    public static final String ARCHIVE_THREADS = "traceroll.archive.threads";
    public static final String ARCHIVE_IN_FLIGHT = "traceroll.archive.in.flight";
    /** Not a user setting: how the dead-letter handler learns each input's format. */
    public static final String INPUT_FORMATS_INTERNAL = "traceroll.internal.input.formats";
    /** Not a user setting: the {@code TracerollMetrics} instance handed to the handler. */
    public static final String METRICS_INTERNAL = "traceroll.internal.metrics";
  }
}
