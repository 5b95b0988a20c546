package io.traceroll.loadtest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * The hottest frames of a JFR recording's CPU samples ({@code jdk.ExecutionSample}): by self time
 * (the top frame of each sample), and by our own code (the first {@code io.traceroll} frame from
 * the top, i.e. the traceroll method whose work, including the library calls it made, the sample
 * landed in). CPU samples only see running threads; a pipeline that is slow while its CPU idles
 * is waiting, so the blocking events of the Kafka Streams threads (fsync, file and socket I/O,
 * parks, monitor waits; those over the recording's thresholds) are summed by kind and by the
 * traceroll frame that waited.
 */
public record JfrHotFrames(long samples, List<Frame> self, List<Frame> traceroll,
    List<Wait> streamThreadWaits) {

  public static final String OUR_PACKAGE = "io.traceroll.";

  /** A method and how many samples it got. */
  public record Frame(String method, long samples) {}

  /** Blocking events of one kind at one place, and their total duration. */
  public record Wait(String event, String at, long count, long totalMillis) {}

  private static final Set<String> WAIT_EVENTS = Set.of("jdk.FileForce", "jdk.FileRead",
      "jdk.FileWrite", "jdk.SocketRead", "jdk.SocketWrite", "jdk.ThreadPark",
      "jdk.JavaMonitorWait", "jdk.JavaMonitorEnter", "jdk.ThreadSleep");

  public JfrHotFrames {
    self = List.copyOf(self);
    traceroll = List.copyOf(traceroll);
    streamThreadWaits = List.copyOf(streamThreadWaits);
  }

  public static JfrHotFrames of(Path recording, int top) throws IOException {
    Map<String, Long> self = new HashMap<>();
    Map<String, Long> ours = new HashMap<>();
    Map<List<String>, long[]> waits = new HashMap<>();
    long samples = 0;
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        String type = e.getEventType().getName();
        if (WAIT_EVENTS.contains(type)) {
          wait(e, type, waits);
          continue;
        }
        if (!type.equals("jdk.ExecutionSample")) {
          continue;
        }
        RecordedStackTrace stack = e.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
          continue;
        }
        samples++;
        List<RecordedFrame> frames = stack.getFrames();
        self.merge(name(frames.get(0)), 1L, Long::sum);
        for (RecordedFrame f : frames) {
          String n = name(f);
          if (n.startsWith(OUR_PACKAGE)) {
            ours.merge(n, 1L, Long::sum);
            break;
          }
        }
      }
    }
    List<Wait> topWaits = waits.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(top)
        .map(w -> new Wait(w.getKey().get(0), w.getKey().get(1), w.getValue()[0],
            w.getValue()[1] / 1_000_000))
        .toList();
    return new JfrHotFrames(samples, top(self, top), top(ours, top), topWaits);
  }

  private static void wait(RecordedEvent e, String type, Map<List<String>, long[]> waits) {
    RecordedThread thread = e.getThread();
    if (thread == null || thread.getJavaName() == null
        || !thread.getJavaName().contains("StreamThread")) {
      return;
    }
    String at = "?";
    RecordedStackTrace stack = e.getStackTrace();
    if (stack != null) {
      for (RecordedFrame f : stack.getFrames()) {
        String n = name(f);
        if (n.startsWith(OUR_PACKAGE)) {
          at = n;
          break;
        }
      }
      if (at.equals("?")) { // e.g. a commit: the first frame outside the JDK says whose wait
        at = stack.getFrames().stream().map(JfrHotFrames::name)
            .filter(n -> !n.startsWith("java.") && !n.startsWith("jdk.") && !n.startsWith("sun."))
            .findFirst().orElse("?");
      }
    }
    long[] w = waits.computeIfAbsent(List.of(type, at), k -> new long[2]);
    w[0]++;
    w[1] += e.getDuration().toNanos();
  }

  private static String name(RecordedFrame f) {
    RecordedMethod m = f.getMethod();
    return m == null ? "?" : m.getType().getName() + "." + m.getName();
  }

  private static List<Frame> top(Map<String, Long> counts, int n) {
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()
            .thenComparing(Map.Entry.comparingByKey()))
        .limit(n).map(e -> new Frame(e.getKey(), e.getValue())).toList();
  }

  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "CPU samples: %,d%n", samples));
    sb.append("hottest frames (self):\n");
    append(sb, self);
    sb.append("hottest traceroll frames (nearest io.traceroll frame of each sample):\n");
    append(sb, traceroll);
    sb.append("Kafka Streams threads blocked (events over the recording's thresholds):\n");
    for (Wait w : streamThreadWaits) {
      sb.append(String.format(Locale.ROOT, "  %8.1f s  %6d x  %-22s %s%n", w.totalMillis() / 1e3,
          w.count(), w.event(), w.at()));
    }
    return sb.toString();
  }

  private void append(StringBuilder sb, List<Frame> frames) {
    for (Frame f : frames) {
      sb.append(String.format(Locale.ROOT, "  %5.1f%%  %7d  %s%n",
          100.0 * f.samples() / Math.max(1, samples), f.samples(), f.method()));
    }
  }
}
