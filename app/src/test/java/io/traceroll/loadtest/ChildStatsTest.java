package io.traceroll.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChildStatsTest {

  @Test
  void shouldParseTheLineItWrites() {
    ChildStats s = new ChildStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
        "org.apache.kafka.streams.errors.StreamsException: \"boom\"\n at x");

    assertThat(ChildStats.parse(s.toLine())).contains(s);
  }

  @Test
  void shouldIgnoreLinesThatAreNotStats() {
    assertThat(ChildStats.parse("traceroll: Kafka bootstrap servers: localhost:1")).isEmpty();
    assertThat(ChildStats.parse(ChildStats.PREFIX + "{\"spansIn\":1")).isEmpty();
    assertThat(ChildStats.parse(ChildStats.PREFIX + "{\"spansIn\":1}")).isEmpty();
  }
}
