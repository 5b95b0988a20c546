package io.traceroll.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.local.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class RunCommandTest {

  @Test
  @Timeout(240)
  void shouldRunAgainstAnExistingClusterWithTheConfiguredInputs(@TempDir Path dir)
      throws Exception {
    Path config = dir.resolve("traceroll.properties");
    Files.writeString(config, String.join("\n",
        "traceroll.inputs=team-a-spans:otlp_proto,team-b-spans:zipkin_json",
        "traceroll.root.grace=500ms",
        "traceroll.punctuation.interval=200ms",
        "application.id=traceroll-run-test",
        "state.dir=" + dir.resolve("state"),
        "replication.factor=1"));
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit;
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      // the operator's job in run mode: run creates no topics
      EmbeddedKafka.createTopics(kafka.bootstrapServers(), List.of("team-a-spans",
          "team-b-spans", "traceroll-dead-letters", "traceroll-index"), 2, Optional.of((short) 1));
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      try {
        exit = Main.run("run", "--bootstrap-servers", kafka.bootstrapServers(),
            "--config", config.toString(), "--generator", "--duration", "8s", "--sizes", "small",
            "--rate", "10", "--gap", "2s", "--poison-interval", "0s",
            "--data-dir", dir.resolve("data").toString());
      } finally {
        System.setOut(stdout);
      }
    }

    String console = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(console).isZero();
    assertThat(console).contains("input team-a-spans (otlp_proto)")
        .contains("input team-b-spans (zipkin_json)")
        .contains("publishing 10.0 requests/s to team-a-spans, team-b-spans")
        .contains("(drained)").contains("0 still open");
    try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
      assertThat(files.filter(p -> p.getFileName().toString().startsWith("part-"))).isNotEmpty();
    }
  }
}
