package io.traceroll.it;

import io.traceroll.archive.ArchiveLayout;
import io.traceroll.archive.ArchiveStore;
import io.traceroll.topology.Names;
import io.traceroll.topology.TopologySettings;
import io.traceroll.topology.TraceAssemblyTopology;
import io.traceroll.topology.TracerollConfig;
import io.traceroll.topology.metrics.TracerollMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;

/**
 * One running traceroll instance: the production topology, configuration path and metrics in a real
 * {@link KafkaStreams} against the test broker, archiving into the given store.
 *
 * <p>Timings are shortened (2 s inactivity gap, 200 ms punctuation) so a test waits seconds, not
 * the production 30 s; everything else, exactly-once included, is the production default.
 */
final class PipelineFixture implements AutoCloseable {

  final TopologySettings settings;
  final TracerollMetrics metrics;
  final KafkaStreams streams;
  private final Properties properties;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  private PipelineFixture(TopologySettings settings, TracerollMetrics metrics,
      KafkaStreams streams, Properties properties) {
    this.settings = settings;
    this.metrics = metrics;
    this.streams = streams;
    this.properties = properties;
  }

  /** Test settings for one pipeline; callers add or override keys before {@link #start}. */
  static Map<String, String> config(BrokerFixture broker, String applicationId, String inputs,
      Path stateDir) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("application.id", applicationId);
    c.put("bootstrap.servers", broker.bootstrapServers());
    c.put("state.dir", stateDir.toString());
    c.put("num.stream.threads", "2");
    c.put("commit.interval.ms", "100");
    c.put(Names.Config.INPUTS, inputs);
    c.put(Names.Config.INDEX_TOPIC, applicationId + "-index");
    c.put(Names.Config.DEAD_LETTER_TOPIC, applicationId + "-dead-letters");
    c.put(Names.Config.INACTIVITY_GAP, "2s");
    c.put(Names.Config.ROOT_GRACE, "2s");
    c.put(Names.Config.PUNCTUATION_INTERVAL, "200ms");
    c.put(Names.Config.ARCHIVE_RETRY_BUDGET, "500ms");
    c.put("archive.prefix", "it/" + applicationId);
    // the changelog and repartition topics need one replica: there is one broker
    c.put("replication.factor", "1");
    return c;
  }

  /** Starts the pipeline and waits until it is RUNNING. */
  static PipelineFixture start(Map<String, String> config, ArchiveStore store) throws Exception {
    TracerollConfig tc = TracerollConfig.from(config);
    TopologySettings settings = tc.settings();
    TracerollMetrics metrics = new TracerollMetrics();
    Properties props = tc.streamsProperties(settings, metrics);
    KafkaStreams streams = new KafkaStreams(
        new TraceAssemblyTopology(settings, store, metrics).get(), props);
    PipelineFixture p = new PipelineFixture(settings, metrics, streams, props);
    streams.setUncaughtExceptionHandler(e -> {
      p.failure.compareAndSet(null, e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
          .StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.start();
    Await.until(Duration.ofSeconds(60), "pipeline RUNNING (state " + streams.state() + ")",
        () -> {
          p.assertHealthy();
          return streams.state() == KafkaStreams.State.RUNNING;
        });
    return p;
  }

  /** The Kafka Streams properties this instance runs with (production defaults + test keys). */
  Properties streamsProperties() {
    return (Properties) properties.clone();
  }

  ArchiveLayout layout() {
    return settings.layout();
  }

  /** Fails the test when a stream thread died: a dead pipeline must not look like a slow one. */
  void assertHealthy() {
    Throwable t = failure.get();
    if (t != null) {
      throw new AssertionError("stream thread failed", t);
    }
    KafkaStreams.State s = streams.state();
    if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.PENDING_ERROR) {
      throw new AssertionError("pipeline in state " + s);
    }
  }

  /**
   * Clean shutdown that leaves the consumer group: without it (the Streams default for the classic
   * protocol) the next instance waits out the old members' 45 s session timeout before it gets
   * any partition, which is what a rolling restart should not do.
   */
  @Override
  public void close() {
    streams.close(CloseOptions.groupMembershipOperation(
        CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(30)));
  }
}
