package io.traceroll.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TopologyCommandTest {

  private static String run(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run(args)).isZero();
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void shouldPrintARepartitionOnlyWhenTheInputIsNotKeyedByTraceId() {
    String keyed = run("topology", "-D", "traceroll.inputs=otlp_spans:otlp_proto:keyed");
    String unkeyed = run("topology", "-D", "traceroll.inputs=otlp_spans:otlp_proto");

    assertThat(keyed).contains("collect-requests").contains("otlp_spans")
        .doesNotContain("by-trace-repartition");
    assertThat(unkeyed).contains("collect-requests").contains("by-trace-repartition");
  }
}
