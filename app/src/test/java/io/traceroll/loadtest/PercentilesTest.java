package io.traceroll.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void shouldReturnTheNearestRankValue() {
    Percentiles p = new Percentiles(new long[] {50, 10, 40, 20, 30, 60, 70, 80, 90, 100});

    assertThat(p.percentile(50)).isEqualTo(50);
    assertThat(p.percentile(99)).isEqualTo(100);
    assertThat(p.percentile(10)).isEqualTo(10);
    assertThat(p.percentile(11)).isEqualTo(20);
    assertThat(p.max()).isEqualTo(100);
  }

  @Test
  void shouldReportTheOnlyValueOfASingleSampleForEveryPercentile() {
    Percentiles p = new Percentiles(new long[] {-7});

    assertThat(p.percentile(1)).isEqualTo(-7);
    assertThat(p.percentile(100)).isEqualTo(-7);
  }

  @Test
  void shouldRefuseAnEmptySampleRatherThanReportZero() {
    assertThatThrownBy(() -> new Percentiles(new long[0]).percentile(50))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldRefuseAPercentileOutsideZeroToHundred() {
    Percentiles p = new Percentiles(new long[] {1, 2});

    assertThatThrownBy(() -> p.percentile(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.percentile(100.5)).isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void shouldHaveAtLeastPPercentOfTheSampleAtOrBelowThePercentile(
      @ForAll @Size(min = 1, max = 200) long[] values,
      @ForAll @DoubleRange(min = 0.1, max = 100) double p) {
    long v = new Percentiles(values).percentile(p);

    long atOrBelow = java.util.Arrays.stream(values).filter(x -> x <= v).count();
    long below = java.util.Arrays.stream(values).filter(x -> x < v).count();
    assertThat(atOrBelow).isGreaterThanOrEqualTo((long) Math.ceil(p / 100 * values.length));
    assertThat(below).isLessThan((long) Math.ceil(p / 100 * values.length));
  }
}
