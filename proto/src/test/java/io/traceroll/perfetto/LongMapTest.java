package io.traceroll.perfetto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LongMapTest {

  @Test
  void shouldAgreeWithHashMapThroughGrowthAndOverwrites() {
    LongMap<String> map = new LongMap<>();
    Map<Long, String> reference = new HashMap<>();
    Random random = new Random(7);
    for (int i = 0; i < 5_000; i++) {
      long key = random.nextInt(3_000) == 0 ? Long.MIN_VALUE : random.nextLong() % 2_000 + 1_000_000;
      map.put(key, "v" + i);
      reference.put(key, "v" + i);
    }

    assertThat(map.size()).isEqualTo(reference.size());
    reference.forEach((k, v) -> assertThat(map.get(k)).isEqualTo(v));
    assertThat(map.get(42)).isNull();
  }

  @Test
  void shouldRefuseTheReservedKeyZero() {
    assertThatThrownBy(() -> new LongMap<String>().put(0, "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
