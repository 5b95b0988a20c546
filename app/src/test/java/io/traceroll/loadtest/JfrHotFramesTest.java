package io.traceroll.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JfrHotFramesTest {

  private static volatile long sink;

  @Test
  void shouldAttributeCpuSamplesToTheMethodThatBurnedThem(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tiny.jfr");
    try (Recording recording = new Recording()) {
      recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
      recording.start();
      burn(Duration.ofMillis(800));
      recording.stop();
      recording.dump(file);
    }

    JfrHotFrames hot = JfrHotFrames.of(file, 20);

    assertThat(hot.samples()).isPositive();
    String burner = JfrHotFramesTest.class.getName() + ".burn";
    assertThat(hot.traceroll()).first().extracting(JfrHotFrames.Frame::method).isEqualTo(burner);
    assertThat(hot.self()).extracting(JfrHotFrames.Frame::method).contains(burner);
    assertThat(hot.render()).contains("hottest frames (self)").contains(burner);
  }

  @Test
  void shouldSumTheBlockingTimeOfStreamThreadsOnly(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("waits.jfr");
    try (Recording recording = new Recording()) {
      recording.enable("jdk.ThreadSleep").withThreshold(Duration.ZERO).withStackTrace();
      recording.start();
      Thread stream = new Thread(() -> nap(3), "app-StreamThread-1");
      Thread other = new Thread(() -> nap(5), "kafka-producer-network-thread");
      stream.start();
      other.start();
      stream.join();
      other.join();
      recording.stop();
      recording.dump(file);
    }

    JfrHotFrames hot = JfrHotFrames.of(file, 20);

    assertThat(hot.streamThreadWaits()).singleElement().satisfies(w -> {
      assertThat(w.event()).isEqualTo("jdk.ThreadSleep");
      assertThat(w.at()).isEqualTo(JfrHotFramesTest.class.getName() + ".nap");
      assertThat(w.count()).isEqualTo(3);
      assertThat(w.totalMillis()).isGreaterThanOrEqualTo(3 * 20);
    });
  }

  private static void nap(int times) {
    try {
      for (int i = 0; i < times; i++) {
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void burn(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    long x = 1;
    while (System.nanoTime() < end) {
      for (int i = 0; i < 10_000; i++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
    }
    sink = x;
  }
}
