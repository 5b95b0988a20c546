package io.traceroll.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.span.TestSpans;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProcessIdsTest {

  @Test
  void shouldDeriveTheSamePidForTheSameServiceEveryTime() {
    assertThat(ProcessIds.syntheticPid("checkout")).isEqualTo(ProcessIds.syntheticPid("checkout"));
    // pinned: a pid that changed between releases would split one service across archives
    assertThat(ProcessIds.syntheticPid("checkout")).isEqualTo(ProcessIds.syntheticPid(new String("checkout")));
  }

  @Test
  void shouldNeverCollideWithRealLinuxPids() {
    for (String s : TestSpans.SERVICES) {
      assertThat(ProcessIds.syntheticPid(s)).isGreaterThanOrEqualTo(ProcessIds.FIRST_SYNTHETIC_PID);
      assertThat(ProcessIds.isSynthetic(ProcessIds.syntheticPid(s))).isTrue();
    }
    assertThat(ProcessIds.isSynthetic(4_194_303)).isFalse();
  }

  @Test
  void shouldGiveDistinctServicesDistinctPids() {
    Set<Integer> pids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      pids.add(ProcessIds.syntheticPid("service-" + i));
    }
    assertThat(pids).hasSizeGreaterThan(9_990);
  }
}
