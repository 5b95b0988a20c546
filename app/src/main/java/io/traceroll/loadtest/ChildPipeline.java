package io.traceroll.loadtest;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The benchmark's handle on the pipeline JVM ({@link PipelineChild}): starts it with this JVM's
 * class path, copies its output to a log file, keeps its latest {@link ChildStats}, sends commands.
 */
final class ChildPipeline implements AutoCloseable {
  private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(10);

  private final Process process;
  private final Path log;
  private final Writer commands;
  private final Deque<String> tail = new ArrayDeque<>();
  private volatile ChildStats latest;
  private long commandsSent;
  private final Thread pump;

  private ChildPipeline(Process process, Path log) throws IOException {
    this.process = process;
    this.log = log;
    this.commands = new BufferedWriter(
        new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    Writer logOut = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
    this.pump = new Thread(() -> pump(logOut), "bench-child-output");
    pump.setDaemon(true);
    pump.start();
  }

  /**
   * @param jvmOptions e.g. {@code -Xmx1g}, a JFR recording
   * @param childConfig configuration plus the {@code bench.child.*} keys
   */
  static ChildPipeline start(List<String> jvmOptions, Map<String, String> childConfig, Path dir)
      throws IOException {
    Properties p = new Properties();
    p.putAll(childConfig);
    Path file = dir.resolve("pipeline.properties");
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(out, "traceroll bench: pipeline JVM configuration");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(PipelineChild.class.getName());
    command.add(file.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    return new ChildPipeline(process, dir.resolve("pipeline.log"));
  }

  private void pump(Writer logOut) {
    try (logOut; BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        var stats = ChildStats.parse(line);
        if (stats.isPresent()) {
          latest = stats.get();
          synchronized (this) {
            notifyAll();
          }
          continue;
        }
        logOut.write(line);
        logOut.write('\n');
        logOut.flush();
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > 40) {
            tail.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      // the child is gone; alive() and the log tail say why
    }
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The child's own CPU time so far (user + system, all threads). */
  Duration cpu() {
    return process.toHandle().info().totalCpuDuration().orElseThrow(() ->
        new IllegalStateException("the OS reports no CPU time for pid " + process.pid()));
  }

  /**
   * Peak resident set of the child (Linux {@code VmHWM}): heap plus RocksDB's native memory,
   * which the heap figures do not show; -1 where the OS does not say.
   */
  long peakRssBytes() {
    Path status = Path.of("/proc", Long.toString(process.pid()), "status");
    try (var lines = Files.lines(status)) {
      return lines.filter(l -> l.startsWith("VmHWM:")).findFirst()
          .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).orElse(-1L);
    } catch (IOException | java.io.UncheckedIOException | NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The child's live-object histogram ({@code jcmd PID GC.class_histogram}, which collects
   * first): what holds the heap. Empty when the JDK has no jcmd or it fails.
   */
  List<String> classHistogram() throws InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      return List.of();
    }
    try {
      Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()),
          "GC.class_histogram").redirectErrorStream(true).start();
      List<String> lines;
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        lines = in.lines().toList();
      }
      return p.waitFor() == 0 ? lines : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  ChildStats latest() {
    return latest;
  }

  /** Sends a command and waits for the stats line it answers with. */
  synchronized ChildStats request(String command, Duration timeout)
      throws IOException, InterruptedException {
    long seq = ++commandsSent;
    commands.write(command);
    commands.write('\n');
    commands.flush();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (latest == null || latest.commandsDone() < seq) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0 || !alive()) {
        throw new IllegalStateException("pipeline JVM did not answer '" + command + "':\n"
            + tail());
      }
      wait(Math.min(left, 200));
    }
    return latest;
  }

  /**
   * Waits until the stats satisfy {@code done}; fails loudly when the child dies, Streams fails,
   * or the time runs out.
   */
  ChildStats await(Predicate<ChildStats> done, Duration timeout, String what)
      throws InterruptedException {
    return await(done, timeout, what, s -> { });
  }

  /** As above, handing the latest stats to {@code progress} every 10 s meanwhile. */
  ChildStats await(Predicate<ChildStats> done, Duration timeout, String what,
      Consumer<ChildStats> progress) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long nextProgress = System.nanoTime() + PROGRESS_INTERVAL.toNanos();
    while (true) {
      ChildStats s = latest;
      if (s != null && System.nanoTime() > nextProgress) {
        progress.accept(s);
        nextProgress += PROGRESS_INTERVAL.toNanos();
      }
      if (s != null && !s.failure().isEmpty()) {
        throw new IllegalStateException("pipeline failed: " + s.failure() + "\n" + tail());
      }
      if (s != null && done.test(s)) {
        return s;
      }
      if (!alive()) {
        throw new IllegalStateException("pipeline JVM exited (" + process.exitValue()
            + ") while waiting for " + what + ":\n" + tail());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout.toSeconds()
            + " s waiting for " + what + "; last stats " + s + "\n" + tail());
      }
      synchronized (this) {
        wait(50);
      }
    }
  }

  String tail() {
    synchronized (tail) {
      return "  " + String.join("\n  ", tail) + "\n  (full log: " + log + ")";
    }
  }

  /** Asks the child to close Streams and exit (a JFR recording is written on exit). */
  void stop(Duration timeout) throws IOException, InterruptedException {
    if (alive()) {
      try {
        commands.write("stop\n");
        commands.flush();
      } catch (IOException e) {
        // already exiting
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
    pump.join(5_000);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor();
    }
  }
}
