package io.traceroll.bench;

import io.traceroll.archive.ArchiveLayout;
import io.traceroll.archive.Compression;
import io.traceroll.archive.ManifestEntry;
import io.traceroll.archive.ObjectBody;
import io.traceroll.archive.fs.FileSystemArchiveStore;
import io.traceroll.archive.manifest.ManifestCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The archive's per-part costs: key derivation, gzip of a part, an fsynced file-store put, and a
 * manifest batch encode. Needs traceroll-archive on the benchmarks classpath.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ArchiveBenchmark {

  private final ArchiveLayout gzip = new ArchiveLayout("traceroll/prod", Compression.GZIP);
  private final String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
  private final String hostileKey = "GET /api/v1/orders?id=42&user=J\u00fcrgen%2F..\u0000"
      + "\ud83d\ude00";
  private byte[] part;
  private List<ManifestEntry> manifest;
  private Path dir;
  private FileSystemArchiveStore store;
  private int seq;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    // protobuf-like: repeated small varint-prefixed records with some entropy, ~256 KiB
    part = new byte[256 * 1024];
    Random r = new Random(1);
    for (int i = 0; i < part.length; i++) {
      part[i] = (byte) (i % 29 < 6 ? r.nextInt(256) : (i % 29) * 7);
    }
    manifest = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      manifest.add(new ManifestEntry("req-" + i, 0, gzip.partKey("req-" + i, 0),
          1_764_064_800_000_000_000L + i, 1_764_064_801_000_000_000L + i, 40 + i,
          List.of("api", "db", "cache"), "GET /orders", i % 3, 18_000 + i, false,
          List.of(traceId)));
    }
    dir = Files.createTempDirectory("archive-bench");
    store = new FileSystemArchiveStore(dir);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public String partKeyOfTraceId() {
    return gzip.partKey(traceId, 3);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public String partKeyOfHostileKey() {
    return gzip.partKey(hostileKey, 3);
  }

  @Benchmark
  public void gzip256KiB(Blackhole bh) throws IOException {
    try (OutputStream out = Compression.GZIP.wrap(new Blackholed(bh))) {
      out.write(part);
    }
  }

  @Benchmark
  public long filePut256KiBFsynced() throws IOException {
    // distinct keys across 64 directories, like distinct requests
    int n = seq++;
    return store.put("traces/" + (n & 63) + "/req-" + n + "/part-00000.pftrace",
        ObjectBody.ofBytes(part));
  }

  @Benchmark
  public byte[] manifestEncode100() {
    return ManifestCodec.encode(manifest);
  }

  /** Sinks bytes without storing them, so gzip alone is measured. */
  private static final class Blackholed extends OutputStream {
    private final Blackhole bh;

    Blackholed(Blackhole bh) {
      this.bh = bh;
    }

    @Override
    public void write(int b) {
      bh.consume(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bh.consume(len);
    }
  }
}
