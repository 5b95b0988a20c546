package io.traceroll.crashloop;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.cli.Main;
import org.junit.jupiter.api.Test;

/** Option handling of {@code traceroll crash-loop} that needs no broker. */
class CrashLoopCommandTest {

  @Test
  void shouldRefuseVerifyOnlyWithoutAnEarlierRunsDirectoryAndCluster() {
    assertThat(Main.run("crash-loop", "--verify-only")).isEqualTo(2);
  }

  @Test
  void shouldRejectAKeyRuleTheWorkloadCannotPredict() {
    assertThat(Main.run("crash-loop", "--key-rule", "header:x-request-id",
        "--verify-only", "--out", "x", "--bootstrap-servers", "localhost:1")).isEqualTo(2);
  }
}
