package io.traceroll.it;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition: integration tests wait for an outcome, never for a fixed time. */
final class Await {

  private Await() {}

  static void until(Duration timeout, String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(250);
    }
  }
}
