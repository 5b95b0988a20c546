package io.traceroll.archive.fs;

import io.traceroll.archive.ArchiveHealth;
import io.traceroll.archive.ArchiveStore;
import io.traceroll.archive.CountingOutputStream;
import io.traceroll.archive.HealthTracker;
import io.traceroll.archive.ObjectBody;
import io.traceroll.archive.ObjectKeys;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * An {@link ArchiveStore} in a local directory: the embedded default, and what tests and single-
 * node deployments use.
 *
 * <p>A put writes a hidden temp file next to the target, fsyncs it, renames it over the target
 * atomically and fsyncs the directory: a reader (or a crash) sees the old object or the complete
 * new one, never a prefix of it.
 *
 * <p>Without {@code fsync} the rename is still atomic, so readers and a crashed or killed process
 * still never see a partial object (the page cache survives a process); only an operating-system
 * crash or power loss can lose the latest objects. That trade is the operator's: the two flushes
 * cost about a millisecond of disk latency and kernel time per object, which on a small machine
 * bounds the archive to a few thousand objects per second. Temp files start with {@code .}, which no valid object key
 * segment does, so they never show up in {@link #list} and can never be overwritten by a put.
 *
 * <p>Every resolved path is checked to stay under the root, both lexically and after resolving
 * symbolic links, so a key (or a link planted in the tree) can never make a put escape it.
 */
public final class FileSystemArchiveStore implements ArchiveStore {

  private static final int WRITE_BUFFER = 64 * 1024;

  private final Path root;
  private final boolean fsync;
  private final HealthTracker health = new HealthTracker();

  /**
   * Opens (and creates, if needed) the store rooted at {@code root}; every put is flushed to disk.
   *
   * @throws IOException if the directory cannot be created or resolved
   */
  public FileSystemArchiveStore(Path root) throws IOException {
    this(root, true);
  }

  /**
   * @param fsync flush every object and its directory entry to disk before the put returns
   * @throws IOException if the directory cannot be created or resolved
   */
  public FileSystemArchiveStore(Path root, boolean fsync) throws IOException {
    Path abs = root.toAbsolutePath().normalize();
    Files.createDirectories(abs);
    this.root = abs.toRealPath();
    this.fsync = fsync;
  }

  /** The resolved (real) root directory. */
  public Path root() {
    return root;
  }

  @Override
  public long put(String objectKey, ObjectBody body) throws IOException {
    Path target = resolve(objectKey);
    try {
      Path dir = target.getParent();
      // check the deepest existing ancestor first: createDirectories follows links, and a link
      // planted in the tree must not make us create directories outside the root either
      Path existing = dir;
      while (!Files.exists(existing)) {
        existing = existing.getParent();
      }
      checkUnderRoot(existing.toRealPath());
      Files.createDirectories(dir);
      checkUnderRoot(dir.toRealPath());
      Path tmp = dir.resolve("." + target.getFileName() + "."
          + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
      long size;
      try {
        size = write(tmp, body, fsync);
        move(tmp, target);
      } catch (IOException | RuntimeException e) {
        deleteQuietly(tmp, e);
        throw e;
      }
      if (fsync) {
        syncDirectory(dir);
      }
      health.success();
      return size;
    } catch (IOException e) {
      throw health.failure(e);
    }
  }

  @Override
  public Optional<InputStream> get(String objectKey) throws IOException {
    Path path = resolve(objectKey);
    try {
      if (!Files.isRegularFile(path)) {
        health.success();
        return Optional.empty();
      }
      checkUnderRoot(path.toRealPath());
      InputStream in = Files.newInputStream(path);
      health.success();
      return Optional.of(in);
    } catch (NoSuchFileException e) {
      // deleted between the check and the open: same as never there
      health.success();
      return Optional.empty();
    } catch (IOException e) {
      throw health.failure(e);
    }
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    int lastSlash = prefix.lastIndexOf('/');
    Path dir = lastSlash < 0 ? root : resolve(prefix.substring(0, lastSlash));
    List<String> keys = new ArrayList<>();
    try {
      if (Files.isDirectory(dir)) {
        checkUnderRoot(dir.toRealPath());
        try (Stream<Path> files = Files.walk(dir)) {
          files.filter(Files::isRegularFile).forEach(p -> {
            String key = toKey(p);
            if (key != null && key.startsWith(prefix)) {
              keys.add(key);
            }
          });
        }
      }
      health.success();
    } catch (IOException e) {
      throw health.failure(e);
    } catch (java.io.UncheckedIOException e) {
      throw health.failure(e.getCause());
    }
    keys.sort(null);
    return keys;
  }

  @Override
  public String describe() {
    return root.toUri().toString();
  }

  @Override
  public ArchiveHealth health() {
    return health.snapshot();
  }

  @Override
  public void close() {
    // nothing held open between calls
  }

  private Path resolve(String objectKey) {
    ObjectKeys.validate(objectKey);
    Path p = root.resolve(objectKey).normalize();
    if (!p.startsWith(root) || p.equals(root)) {
      throw new IllegalArgumentException("object key resolves outside the store root");
    }
    return p;
  }

  private void checkUnderRoot(Path real) throws IOException {
    if (!real.startsWith(root)) {
      throw new IOException("path under " + root + " resolves outside it (symbolic link?): " + real);
    }
  }

  /** The object key of a file, or null for a temp file or anything a put could not have made. */
  private String toKey(Path file) {
    Path rel = root.relativize(file);
    StringBuilder sb = new StringBuilder();
    for (Path part : rel) {
      String name = part.toString();
      if (name.startsWith(".")) {
        return null;
      }
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(name);
    }
    return sb.toString();
  }

  private static long write(Path tmp, ObjectBody body, boolean fsync) throws IOException {
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      OutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(ch), WRITE_BUFFER);
      CountingOutputStream counting = new CountingOutputStream(buffered);
      body.writeTo(counting);
      buffered.flush();
      if (fsync) {
        // data must be on disk before the rename makes it visible, or a crash could publish a
        // complete-looking name over a truncated file
        ch.force(true);
      }
      return counting.count();
    }
  }

  private static void move(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // same directory, so this only happens on exotic file systems; refusing beats a torn write
      throw new IOException("file system cannot rename atomically: " + target, e);
    }
  }

  /** Makes the rename itself durable. Not every platform can open a directory; then skip. */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Windows and some file systems refuse; the rename is still atomic, only less durable
    }
  }

  private static void deleteQuietly(Path tmp, Exception cause) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }
}
