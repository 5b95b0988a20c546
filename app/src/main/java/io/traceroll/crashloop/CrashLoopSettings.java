package io.traceroll.crashloop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One crash-loop run.
 *
 * @param bootstrapServers a real cluster; empty starts the in-process broker
 * @param instances traceroll JVMs sharing the application id and the archive
 * @param kills SIGKILLs in a bounded run (ignored with {@code soak}: it kills until the end)
 * @param killInterval mean time between kills (each wait is drawn from 0.5x-1.5x of it)
 * @param requests requests published in a bounded run, spread over the kills
 * @param soak run this long instead: publish at {@code rate} and kill every interval until then
 * @param rate requests/s in soak mode
 * @param partitions partitions of the input, index and dead-letter topics
 * @param out where logs, state directories, the archive and the ledger go
 * @param keyRule {@code trace_id} or {@code attribute:request.id}
 * @param gap the pipeline's inactivity gap (short, so the run ends soon after publishing does)
 * @param maxSpansPerPart part roll size: small, so large requests span several parts
 * @param deliveryTimeout how long to wait after publishing for every span to be indexed
 * @param firstN findings of each kind the report lists
 */
public record CrashLoopSettings(
    Optional<String> bootstrapServers,
    int instances,
    int kills,
    Duration killInterval,
    int requests,
    Optional<Duration> soak,
    double rate,
    int partitions,
    long seed,
    Path out,
    String applicationId,
    String keyRule,
    Duration gap,
    int maxSpansPerPart,
    String childHeap,
    Duration deliveryTimeout,
    int firstN) {

  public CrashLoopSettings {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(killInterval, "killInterval");
    Objects.requireNonNull(soak, "soak");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(applicationId, "applicationId");
    Objects.requireNonNull(gap, "gap");
    Objects.requireNonNull(childHeap, "childHeap");
    Objects.requireNonNull(deliveryTimeout, "deliveryTimeout");
    Workload.keyFunction(keyRule); // validates
    if (instances < 1 || kills < 0 || requests < 0 || partitions < 1 || maxSpansPerPart < 1
        || firstN < 0) {
      throw new IllegalArgumentException("need instances >= 1, partitions >= 1, "
          + "max spans per part >= 1 and no negative counts");
    }
    if (killInterval.isNegative() || killInterval.isZero()) {
      throw new IllegalArgumentException("kill interval must be positive");
    }
    if (!(rate > 0)) {
      throw new IllegalArgumentException("rate must be > 0");
    }
  }

  /** The bounded CI form's defaults: 3 instances, 4 kills, 300 requests on 6 partitions. */
  public static CrashLoopSettings defaults(Path out) {
    return new CrashLoopSettings(Optional.empty(), 3, 4, Duration.ofSeconds(8), 300,
        Optional.empty(), 20, 6, 1, out, "crashloop", "trace_id", Duration.ofSeconds(2), 300,
        "384m", Duration.ofMinutes(3), 20);
  }

  public CrashLoopSettings withKills(int n, Duration interval) {
    return new CrashLoopSettings(bootstrapServers, instances, n, interval, requests, soak, rate,
        partitions, seed, out, applicationId, keyRule, gap, maxSpansPerPart, childHeap,
        deliveryTimeout, firstN);
  }

  public CrashLoopSettings withRequests(int n) {
    return new CrashLoopSettings(bootstrapServers, instances, kills, killInterval, n, soak, rate,
        partitions, seed, out, applicationId, keyRule, gap, maxSpansPerPart, childHeap,
        deliveryTimeout, firstN);
  }

  public CrashLoopSettings withKeyRule(String rule) {
    return new CrashLoopSettings(bootstrapServers, instances, kills, killInterval, requests, soak,
        rate, partitions, seed, out, applicationId, rule, gap, maxSpansPerPart, childHeap,
        deliveryTimeout, firstN);
  }

  public CrashLoopSettings withDeliveryTimeout(Duration timeout) {
    return new CrashLoopSettings(bootstrapServers, instances, kills, killInterval, requests, soak,
        rate, partitions, seed, out, applicationId, keyRule, gap, maxSpansPerPart, childHeap,
        timeout, firstN);
  }

  public CrashLoopSettings withOut(Path dir) {
    return new CrashLoopSettings(bootstrapServers, instances, kills, killInterval, requests, soak,
        rate, partitions, seed, dir, applicationId, keyRule, gap, maxSpansPerPart, childHeap,
        deliveryTimeout, firstN);
  }

  public String inputTopic() {
    return applicationId + "-spans";
  }

  public String indexTopic() {
    return applicationId + "-index";
  }

  public String deadLetterTopic() {
    return applicationId + "-dead-letters";
  }

  /** Archive key prefix inside {@code out/archive}. */
  public String archivePrefix() {
    return applicationId;
  }

  public Path archiveRoot() {
    return out.resolve("archive");
  }

  public Path ledger() {
    return out.resolve("expected-spans.txt");
  }

  /** Late spans arrive this long after their request: well after it closed. */
  public Duration lateDelay() {
    return gap.multipliedBy(3);
  }
}
