package io.traceroll.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.crashloop.CrashLoop;
import io.traceroll.crashloop.CrashLoopSettings;
import io.traceroll.crashloop.DeliveryReport;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounded form of {@code ./traceroll crash-loop} that CI runs: three traceroll JVMs on a real
 * broker, a seeded workload of a few hundred requests (some of ~1,000 spans, so requests span
 * many records and several parts, and some with late spans), three SIGKILLs of random instances
 * while it is published, one of them followed by a restart on a deleted state directory. The
 * verifier must find every span in exactly one part and every part indexed exactly once.
 */
@Tag("integration")
@Timeout(300)
class CrashLoopTest {

  @TempDir Path dir;

  @Test
  void shouldDeliverEverySpanExactlyOnceAcrossKillsAndARestartOnDeletedState() throws Exception {
    CrashLoopSettings settings = CrashLoopSettings.defaults(dir)
        .withKills(3, Duration.ofSeconds(6))
        .withRequests(200)
        .withDeliveryTimeout(Duration.ofSeconds(90));

    CrashLoop.Result result = new CrashLoop(settings, System.out).run();

    DeliveryReport report = result.report();
    assertThat(report.render(20)).endsWith(DeliveryReport.DELIVERED);
    assertThat(result.delivered()).isTrue();
    assertThat(result.kills()).hasSize(3).anyMatch(CrashLoop.Kill::wiped)
        .anyMatch(CrashLoop.Kill::underLoad);
    assertThat(result.failedSpans()).isZero();
    // the workload really exercised what the test is about: many spans, parts beyond the first
    assertThat(report.archivedSpans()).isEqualTo(report.producedSpans()).isGreaterThan(5_000);
    assertThat(report.partObjects()).isGreaterThan(report.requests());
    assertThat(report.indexRecords()).isEqualTo(report.partObjects());
  }
}
