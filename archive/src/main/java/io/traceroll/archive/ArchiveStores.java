package io.traceroll.archive;

import io.traceroll.archive.fs.FileSystemArchiveStore;
import io.traceroll.archive.s3.S3ArchiveStore;
import io.traceroll.archive.s3.S3Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the configured store from flat {@code archive.*} settings (CLI flags, properties file).
 *
 * <pre>
 * archive.type               file (default) | s3
 * archive.dir                file: root directory (default ./archive)
 * archive.fs.fsync           file: flush each object to disk before the put returns (default true)
 * archive.prefix             key prefix inside the store (see ArchiveLayout)
 * archive.compression        gzip (default) | none
 * archive.compression.level  gzip: deflate level 1 (fastest) to 9 (smallest), default 6
 * archive.s3.bucket          s3: bucket (required)
 * archive.s3.endpoint        s3: endpoint override, e.g. http://minio:9000
 * archive.s3.region          s3: region (default us-east-1)
 * archive.s3.path-style      s3: true|false (default: true when an endpoint is set)
 * archive.s3.access-key      s3: static credentials for local use (else the default chain)
 * archive.s3.secret-key
 * archive.s3.part-size       s3: bytes per multipart part / single-PUT threshold (default 8 MiB)
 * archive.s3.max-attempts    s3: attempts per request (default 5)
 * archive.s3.retry-base-delay-ms  s3: first backoff (default 100)
 * archive.s3.call-timeout-ms s3: bound per request incl. retries (default 120000)
 * archive.s3.create-bucket   s3: create the bucket when missing (default false)
 * </pre>
 *
 * <p>Keys outside {@code archive.} are ignored (the map may be the whole application config);
 * unknown {@code archive.*} keys are rejected so a typo does not silently fall back to a default.
 */
public final class ArchiveStores {

  private static final Set<String> KNOWN = Set.of("archive.type", "archive.dir", "archive.fs.fsync", "archive.prefix",
      "archive.compression", "archive.compression.level", "archive.s3.bucket", "archive.s3.endpoint", "archive.s3.region",
      "archive.s3.path-style", "archive.s3.access-key", "archive.s3.secret-key",
      "archive.s3.part-size", "archive.s3.max-attempts", "archive.s3.retry-base-delay-ms",
      "archive.s3.call-timeout-ms", "archive.s3.create-bucket");

  private ArchiveStores() {}

  /**
   * Opens the store the settings describe. Pair it with {@link ArchiveLayout#fromConfig} on the same
   * map.
   *
   * @throws IllegalArgumentException for unknown or malformed settings
   * @throws IOException if a file store's directory cannot be created
   */
  public static ArchiveStore fromConfig(Map<String, String> config) throws IOException {
    for (String key : config.keySet()) {
      if (key.startsWith("archive.") && !KNOWN.contains(key)) {
        throw new IllegalArgumentException("unknown archive setting '" + key + "'");
      }
    }
    String type = config.getOrDefault("archive.type", "file").trim().toLowerCase(java.util.Locale.ROOT);
    return switch (type) {
      case "file", "fs", "filesystem" ->
          new FileSystemArchiveStore(Path.of(config.getOrDefault("archive.dir", "archive")),
              bool(config, "archive.fs.fsync", true));
      case "s3" -> new S3ArchiveStore(s3Settings(config));
      default -> throw new IllegalArgumentException(
          "unknown archive.type '" + type + "', expected file or s3");
    };
  }

  /** The S3 part of the settings, for callers that build the store themselves. */
  public static S3Settings s3Settings(Map<String, String> config) {
    String bucket = config.get("archive.s3.bucket");
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException("archive.s3.bucket is required for archive.type=s3");
    }
    Optional<URI> endpoint = Optional.ofNullable(config.get("archive.s3.endpoint"))
        .filter(s -> !s.isBlank()).map(s -> URI.create(s.trim()));
    boolean pathStyle = bool(config, "archive.s3.path-style", endpoint.isPresent());
    Optional<String> access = Optional.ofNullable(config.get("archive.s3.access-key"))
        .filter(s -> !s.isEmpty());
    Optional<String> secret = Optional.ofNullable(config.get("archive.s3.secret-key"))
        .filter(s -> !s.isEmpty());
    return new S3Settings(bucket.trim(), endpoint,
        config.getOrDefault("archive.s3.region", "us-east-1").trim(), pathStyle, access, secret,
        (int) number(config, "archive.s3.part-size", S3Settings.DEFAULT_PART_SIZE),
        (int) number(config, "archive.s3.max-attempts", 5),
        Duration.ofMillis(number(config, "archive.s3.retry-base-delay-ms", 100)),
        Duration.ofMillis(number(config, "archive.s3.call-timeout-ms", 120_000)),
        bool(config, "archive.s3.create-bucket", false));
  }

  private static boolean bool(Map<String, String> config, String key, boolean dflt) {
    String v = config.get(key);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new IllegalArgumentException(key + " must be true or false: '" + v + "'");
    };
  }

  private static long number(Map<String, String> config, String key, long dflt) {
    String v = config.get(key);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n <= 0 || n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(key + " out of range: " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number: '" + v + "'", e);
    }
  }
}
