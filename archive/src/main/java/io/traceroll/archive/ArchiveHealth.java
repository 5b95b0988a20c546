package io.traceroll.archive;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a store's health, as seen by its own operations (no probing of its own).
 *
 * <p>One failed operation makes the store {@link State#DEGRADED}; the next successful one makes it
 * {@link State#UP} again. {@code consecutiveFailures} lets a caller decide how long to wait before
 * alerting, rather than the store deciding for everyone.
 *
 * @param lastError message of the latest failure (kept after recovery, for the status page); never
 *     contains credentials
 */
public record ArchiveHealth(
    State state,
    int consecutiveFailures,
    long totalFailures,
    Optional<String> lastError,
    Optional<Instant> lastFailureAt,
    Optional<Instant> lastSuccessAt) {

  /** Up: the latest operation succeeded (or none ran yet). Degraded: the latest one failed. */
  public enum State { UP, DEGRADED }

  public ArchiveHealth {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(lastFailureAt, "lastFailureAt");
    Objects.requireNonNull(lastSuccessAt, "lastSuccessAt");
  }

  /** The health of a store that has not run any operation yet. */
  public static ArchiveHealth initial() {
    return new ArchiveHealth(State.UP, 0, 0, Optional.empty(), Optional.empty(), Optional.empty());
  }

  public boolean isUp() {
    return state == State.UP;
  }
}
