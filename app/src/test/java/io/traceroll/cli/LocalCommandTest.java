package io.traceroll.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.traceroll.generator.SizeMix;
import io.traceroll.local.RunSettings;
import io.traceroll.topology.Names;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LocalCommandTest {

  static LocalCommand parse(String... args) {
    LocalCommand command = new LocalCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void shouldStartEmbeddedBrokerGeneratorAndLocalArchiveByDefault() throws Exception {
    RunSettings s = parse().runSettings(Optional.empty(), RunSettings.DEFAULT_TOPICS, true, true);

    assertThat(s.embeddedBroker()).isTrue();
    assertThat(s.generator()).isPresent();
    assertThat(s.generator().get().sizes()).isEqualTo(SizeMix.realistic());
    assertThat(s.dataDir()).isEqualTo(Path.of("traceroll-data"));
    assertThat(s.s3()).isEmpty();
    assertThat(s.duration()).isEmpty();
    assertThat(s.inputTopics()).containsOnlyKeys(RunSettings.DEFAULT_TOPICS.keySet());
  }

  @Test
  void shouldTurnOptionsIntoRunSettings() throws Exception {
    RunSettings s = parse("--duration", "60s", "--rate", "50", "--sizes", "small", "--gap", "2s",
        "--key-rule", "attribute:request.id", "--seed", "9", "--poison-interval", "0s",
        "--s3-endpoint", "http://localhost:9000")
        .runSettings(Optional.empty(), RunSettings.DEFAULT_TOPICS, true, true);

    assertThat(s.duration()).contains(Duration.ofSeconds(60));
    assertThat(s.traffic().requestsPerSecond()).isEqualTo(50);
    assertThat(s.traffic().poisonInterval()).isZero();
    assertThat(s.generator().get().seed()).isEqualTo(9);
    assertThat(s.generator().get().sizes()).isEqualTo(SizeMix.smallOnly());
    assertThat(s.config()).containsEntry(Names.Config.INACTIVITY_GAP, "2000ms")
        .containsEntry(Names.Config.KEY_RULE, "attribute:request.id");
    assertThat(s.drainTimeout()).isEqualTo(Duration.ofSeconds(34));
    assertThat(s.s3().orElseThrow().endpoint()).contains(URI.create("http://localhost:9000"));
    assertThat(s.s3().get().bucket()).isEqualTo("traceroll");
    assertThat(s.s3().get().pathStyle()).isTrue();
  }

  @Test
  void shouldLetSetOverridesWinOverTheConfigFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("traceroll.properties");
    Files.writeString(file, "traceroll.root.grace=5s\ncommit.interval.ms=500\n");

    RunSettings s = parse("--config", file.toString(), "-D", "traceroll.root.grace=1s")
        .runSettings(Optional.of("kafka:9092"), RunSettings.DEFAULT_TOPICS, false, false);

    assertThat(s.config()).containsEntry(Names.Config.ROOT_GRACE, "1s")
        .containsEntry("commit.interval.ms", "500");
    assertThat(s.embeddedBroker()).isFalse();
    assertThat(s.generator()).isEmpty();
  }

  @Test
  void shouldRejectAMalformedDurationAtParseTime() {
    assertThatThrownBy(() -> parse("--duration", "soon"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("soon");
  }

  @Test
  void shouldRejectAMalformedSizeMixBeforeStartingAnything() {
    assertThatThrownBy(() -> parse("--sizes", "huge please")
        .runSettings(Optional.empty(), RunSettings.DEFAULT_TOPICS, true, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("size mix");
  }

  @Test
  void shouldBeRegisteredAsSubcommandsOfMain() {
    CommandLine main = new CommandLine(new Main());

    assertThat(main.getSubcommands()).containsKeys("local", "run");
  }
}
