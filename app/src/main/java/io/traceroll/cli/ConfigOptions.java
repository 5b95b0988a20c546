package io.traceroll.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** {@code --config FILE} and {@code -D key=value}: the configuration every pipeline command reads. */
final class ConfigOptions {

  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file: traceroll.*, archive.* and any Kafka Streams setting.")
  Path configFile;

  @Option(names = {"-D", "--set"}, paramLabel = "KEY=VALUE",
      description = "Override one configuration value (repeatable).")
  Map<String, String> overrides = new LinkedHashMap<>();

  /** The file's values (trimmed), then the overrides. */
  Map<String, String> load() throws IOException {
    Map<String, String> config = new LinkedHashMap<>();
    if (configFile != null) {
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(configFile)) {
        p.load(in);
      }
      p.stringPropertyNames().forEach(k -> config.put(k, p.getProperty(k).trim()));
    }
    config.putAll(overrides);
    return config;
  }
}
