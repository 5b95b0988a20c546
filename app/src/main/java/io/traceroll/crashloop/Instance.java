package io.traceroll.crashloop;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One traceroll instance as a separate JVM running {@code traceroll run}, so that a kill is real:
 * SIGKILL leaves no shutdown hook, no last commit, an open transaction and a state directory
 * without checkpoint, which is what exactly-once has to survive. Restarts reuse the same command
 * (same state directory unless wiped) and append to the same log.
 */
final class Instance {

  /**
   * What Kafka Streams logs (INFO, logger {@code org.apache.kafka.streams.KafkaStreams}) when the
   * client has its tasks and processes: {@code State transition from REBALANCING to RUNNING}.
   */
  static final String RUNNING = " to RUNNING";

  private static final Pattern EXCEPTION_HEADLINE =
      Pattern.compile("[a-z][\\w.$]*\\.[A-Z][\\w$]*(Exception|Error): ");

  private final String name;
  private final List<String> command;
  private final Path stateDir;
  private final Path log;
  private Process process;
  private long startedNanos;
  private long logOffset;
  private int starts;

  Instance(String name, List<String> command, Path stateDir, Path log) {
    this.name = name;
    this.command = List.copyOf(command);
    this.stateDir = stateDir;
    this.log = log;
  }

  /**
   * The child command line: the same class path as this JVM and {@code Main run} with the given
   * options; the KafkaStreams client logs its state changes so readiness can be seen.
   */
  static List<String> javaCommand(String heap, List<String> mainArgs) {
    List<String> c = new ArrayList<>();
    c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    c.add("-Xmx" + heap);
    // two cores shared by a broker and three instances: a parallel collector per JVM only adds
    // contention, and a pause is not what this test is about
    c.add("-XX:+UseSerialGC");
    c.add("-XX:TieredStopAtLevel=1");
    c.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams.KafkaStreams=info");
    c.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
    c.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
    c.add("-cp");
    c.add(System.getProperty("java.class.path"));
    c.add("io.traceroll.cli.Main");
    c.addAll(mainArgs);
    return c;
  }

  String name() {
    return name;
  }

  Path stateDir() {
    return stateDir;
  }

  Path log() {
    return log;
  }

  int starts() {
    return starts;
  }

  synchronized void start() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    Files.createDirectories(stateDir);
    Files.writeString(log, String.format("%n==== crash-loop: start #%d of %s%n", starts + 1, name),
        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    logOffset = Files.size(log);
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    startedNanos = System.nanoTime();
    starts++;
  }

  synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  synchronized Duration uptime() {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  /**
   * Waits until this start has logged RUNNING.
   *
   * @return false when it did not within {@code timeout}
   * @throws IllegalStateException when the process died meanwhile (with the log's tail)
   */
  boolean awaitRunning(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (logSinceStart().contains(RUNNING)) {
        return true;
      }
      if (!alive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue()
            + " before RUNNING; log tail:\n" + tail(30));
      }
      Thread.sleep(200);
    }
    return false;
  }

  /** Exit code of the last start's process, or -1 while it runs. */
  synchronized int exitCode() {
    return process == null || process.isAlive() ? -1 : process.exitValue();
  }

  /**
   * The first stack trace headline this start logged ({@code some.Exception: message}), for a
   * failure summary; "" when none.
   */
  String firstError() throws IOException {
    return logSinceStart().lines().filter(l -> EXCEPTION_HEADLINE.matcher(l).lookingAt())
        .findFirst().map(l -> l.length() > 240 ? l.substring(0, 240) + "..." : l).orElse("");
  }

  /** SIGKILL, and wait until the process is gone. */
  void kill() throws InterruptedException {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p != null) {
      p.destroyForcibly().waitFor();
    }
  }

  /**
   * SIGTERM: {@code traceroll run} closes Kafka Streams (leaving the group) in its shutdown hook.
   * Returns at once; {@link #awaitExit} waits.
   */
  synchronized void terminate() {
    if (process != null && process.isAlive()) {
      process.destroy();
    }
  }

  /** Waits for the exit after {@link #terminate}; SIGKILL if it takes longer than {@code grace}. */
  void awaitExit(Duration grace) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p != null && !p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor();
    }
  }

  /** Deletes the state directory: the next start restores every store from its changelog. */
  void wipeState() throws IOException {
    if (alive()) {
      throw new IllegalStateException("wiping the state of a running instance");
    }
    if (!Files.exists(stateDir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(stateDir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private String logSinceStart() throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long length = f.length();
      if (length <= logOffset) {
        return "";
      }
      byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE, length - logOffset)];
      f.seek(logOffset);
      f.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  String tail(int lines) throws IOException {
    List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
