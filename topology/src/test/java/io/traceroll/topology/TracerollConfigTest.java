package io.traceroll.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceroll.serdes.SpanFormat;
import io.traceroll.serdes.TraceKeyRule;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class TracerollConfigTest {

  @Test
  void shouldUseTheDocumentedDefaultsForAnEmptyMap() {
    TopologySettings s = TracerollConfig.from(Map.of()).settings();

    assertThat(s.inputs()).containsExactly(
        new InputTopic(Names.Topic.INPUT, SpanFormat.OTLP_PROTO, false));
    assertThat(s.inactivityGap()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.rootGrace()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.maxRequestDuration()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.maxSpansPerPart()).isEqualTo(50_000);
    assertThat(s.maxBytesPerPart()).isEqualTo(64L * 1024 * 1024);
    assertThat(s.keyRule()).isEqualTo(TraceKeyRule.traceId());
    assertThat(s.indexTopic()).isEqualTo(Names.Topic.INDEX);
    assertThat(s.punctuationBudget()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void shouldReadInputsKeyRuleAndDurationsFromTheMap() {
    TopologySettings s = TracerollConfig.from(Map.of(
        Names.Config.INPUTS, "a:avro, b:zipkin_json:keyed",
        Names.Config.KEY_RULE, "attribute:order.id",
        Names.Config.INACTIVITY_GAP, "45s",
        Names.Config.MAX_REQUEST_DURATION, "PT20M",
        Names.Config.MAX_SPANS_PER_PART, "10_000",
        Names.Config.PUNCTUATION_BUDGET, "250ms")).settings();

    assertThat(s.inputs()).containsExactly(new InputTopic("a", SpanFormat.AVRO, false),
        new InputTopic("b", SpanFormat.ZIPKIN_JSON, true));
    assertThat(s.keyRule()).isEqualTo(TraceKeyRule.attribute("order.id"));
    assertThat(s.resolvesKeys()).isTrue();
    assertThat(s.inputsKeyedByTraceId()).isFalse();
    assertThat(s.inactivityGap()).isEqualTo(Duration.ofSeconds(45));
    assertThat(s.maxRequestDuration()).isEqualTo(Duration.ofMinutes(20));
    assertThat(s.maxSpansPerPart()).isEqualTo(10_000);
    assertThat(s.punctuationBudget()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void shouldDefaultToExactlyOnceAndLetTheMapOverrideStreamsSettings() {
    TracerollConfig config = TracerollConfig.from(Map.of(
        StreamsConfig.APPLICATION_ID_CONFIG, "prod-traceroll", Names.Config.ROOT_GRACE, "2s"));
    Properties p = config.streamsProperties(config.settings(), null);

    assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    assertThat(p.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("prod-traceroll");
    assertThat(p.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG))
        .isEqualTo(Names.Topic.DEAD_LETTERS);
    assertThat(p).doesNotContainKey(Names.Config.ROOT_GRACE);
  }

  @Test
  void shouldApplyTheThroughputDefaultsUnlessTheMapSetsThem() {
    TracerollConfig config = TracerollConfig.from(Map.of(
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200",
        Names.Config.ARCHIVE_THREADS, "3"));
    Properties p = config.streamsProperties(config.settings(), null);

    assertThat(p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo("200");
    assertThat(p.get(StreamsConfig.producerPrefix("compression.type"))).isEqualTo("lz4");
    assertThat(p.get(StreamsConfig.producerPrefix("transaction.timeout.ms"))).isEqualTo(30_000);
    assertThat(p.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG))
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(config.settings().archiveThreads()).isEqualTo(3);
    assertThat(TracerollConfig.from(Map.of()).settings().archiveThreads())
        .isEqualTo(TracerollConfig.DEFAULT_ARCHIVE_THREADS);
  }

  @Test
  void shouldRejectABadDurationNamingTheKey() {
    assertThatThrownBy(() -> TracerollConfig.from(Map.of(Names.Config.ROOT_GRACE, "soon"))
        .settings()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Names.Config.ROOT_GRACE);
  }

  @Test
  void shouldRejectASpanRetentionShorterThanARequestCanLive() {
    assertThatThrownBy(() -> TracerollConfig.from(Map.of(Names.Config.SPAN_RETENTION, "5m"))
        .settings()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spanRetention");
  }
}
