package io.traceroll.perfetto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InternerTest {

  @Test
  void shouldTellApartKeysWithEqualHashes() {
    Interner<String> interner = new Interner<>();
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    long aa = interner.iid("Aa");
    long bb = interner.iid("BB");
    assertThat(aa).isNotEqualTo(bb);
    assertThat(interner.find(new String("BB"))).isEqualTo(bb);
    assertThat(interner.iid(new String("Aa"))).isEqualTo(aa);
    assertThat(interner.contains("AaBB")).isFalse();
  }

  @Test
  void shouldKeepIidsWhenGrowing() {
    Interner<String> interner = new Interner<>();
    for (int i = 0; i < 1000; i++) {
      assertThat(interner.iid("key " + i)).isEqualTo(i + 1);
    }
    for (int i = 0; i < 1000; i++) {
      assertThat(interner.find(new String("key " + i))).isEqualTo(i + 1);
    }
    assertThat(interner.find("key 1000")).isZero();
  }
}
