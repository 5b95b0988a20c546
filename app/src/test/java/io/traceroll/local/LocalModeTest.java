package io.traceroll.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.generator.GeneratorSettings;
import io.traceroll.generator.SizeMix;
import io.traceroll.generator.TrafficDriver;
import io.traceroll.topology.Names;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class LocalModeTest {

  @Test
  @Timeout(300)
  void shouldArchiveEverySpanItReadAndDeadLetterEveryPoisonPill(@TempDir Path dir)
      throws Exception {
    RunSettings settings = new RunSettings(
        Optional.empty(),
        Map.of(Names.Config.INACTIVITY_GAP, "2s", Names.Config.ROOT_GRACE, "500ms",
            Names.Config.PUNCTUATION_INTERVAL, "200ms"),
        dir,
        Optional.empty(),
        RunSettings.DEFAULT_TOPICS,
        Optional.of(GeneratorSettings.defaults(17).withSizes(SizeMix.smallOnly())
            .withLateSpans(0.2, Duration.ofSeconds(4))),
        new TrafficDriver.Settings(15, 256, Duration.ofMillis(100), Duration.ofSeconds(2)),
        Optional.of(Duration.ofSeconds(15)),
        Duration.ofSeconds(3),
        Duration.ofSeconds(90),
        2,
        true);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    TracerollRunner runner = new TracerollRunner(settings, new PrintStream(console, true));

    RunSummary summary;
    try {
      runner.start();
      assertThat(cleanupPolicy(runner.bootstrapServers(), runner.topologySettings().indexTopic()))
          .as("the index keeps the latest entry per part key").isEqualTo("compact");
      boolean ranOut = runner.awaitStop(new CountDownLatch(1));
      assertThat(ranOut).isTrue();
    } finally {
      summary = runner.stop(true);
    }

    String output = console.toString(StandardCharsets.UTF_8);
    assertThat(runner.streamsFailure()).isNull();
    assertThat(summary.drained()).as(output + summary.render()).isTrue();
    assertThat(summary.spansPublished()).isPositive();
    assertThat(summary.publishFailures()).isZero();
    assertThat(summary.spansIn()).isEqualTo(summary.spansPublished());
    assertThat(summary.spansArchived()).isEqualTo(summary.spansIn());
    assertThat(summary.deadLetters())
        .isEqualTo(summary.poisonRecordsSent() + summary.invalidSpansSent())
        .isPositive();
    assertThat(summary.lateSpans()).as(summary.render()).isPositive();
    assertThat(summary.archivedObjects()).isEqualTo(summary.partsWritten()).isPositive();
    assertThat(output).contains("Kafka bootstrap servers: localhost:")
        .contains("requests archived").contains("spans in");

    List<Path> parts;
    try (Stream<Path> files = Files.walk(dir.resolve("archive"))) {
      parts = files.filter(p -> p.getFileName().toString().startsWith("part-")).toList();
    }
    assertThat(parts).hasSize((int) summary.partsWritten());
    try (InputStream in = Files.newInputStream(parts.get(0))) {
      byte[] head = in.readNBytes(2);
      assertThat(head).containsExactly(0x1f, 0x8b); // gzip, as configured by default
    }
  }

  private static String cleanupPolicy(String bootstrapServers, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      return admin.describeConfigs(List.of(resource)).all().get().get(resource)
          .get("cleanup.policy").value();
    }
  }
}
