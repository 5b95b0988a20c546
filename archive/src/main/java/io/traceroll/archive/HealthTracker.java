package io.traceroll.archive;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Records the outcome of store operations into an {@link ArchiveHealth}; shared by the store
 * implementations. Thread-safe and lock-free, since puts run on stream threads.
 */
public final class HealthTracker {

  private final Clock clock;
  private final AtomicReference<ArchiveHealth> current =
      new AtomicReference<>(ArchiveHealth.initial());

  public HealthTracker(Clock clock) {
    this.clock = clock;
  }

  public HealthTracker() {
    this(Clock.systemUTC());
  }

  public ArchiveHealth snapshot() {
    return current.get();
  }

  public void success() {
    // one small allocation per store operation (per trace part, not per span): not a hot path
    var now = Optional.of(clock.instant());
    current.updateAndGet(old -> new ArchiveHealth(ArchiveHealth.State.UP, 0, old.totalFailures(),
        old.lastError(), old.lastFailureAt(), now));
  }

  /** Records a failure and returns it, so call sites can write {@code throw tracker.failure(e)}. */
  public IOException failure(IOException error) {
    var message = Optional.of(String.valueOf(error.getMessage()));
    var now = Optional.of(clock.instant());
    current.updateAndGet(old -> new ArchiveHealth(ArchiveHealth.State.DEGRADED,
        old.consecutiveFailures() + 1, old.totalFailures() + 1, message, now,
        old.lastSuccessAt()));
    return error;
  }
}
