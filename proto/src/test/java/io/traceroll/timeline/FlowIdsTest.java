package io.traceroll.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FlowIdsTest {

  @Test
  void shouldHandOutTheSmallestIdThatEndedStrictlyBeforeTheNewFlowStarts() {
    FlowIds ids = new FlowIds(0);
    long a = ids.open(10);
    long b = ids.open(10);
    ids.close(a, 20);

    assertThat(ids.open(20)).as("ended at the same instant: not reused").isEqualTo(3);
    assertThat(ids.open(21)).as("ended before: reused").isEqualTo(a);
    assertThat(b).isEqualTo(2);
  }

  @Test
  void shouldReuseEndedIdsSmallestFirstWhateverOrderTheyEndedIn() {
    FlowIds ids = new FlowIds(0);
    long a = ids.open(1);
    ids.open(1);
    long c = ids.open(1);
    ids.close(c, 5);
    ids.close(a, 6);

    assertThat(ids.open(6)).as("a ended at 6: only c qualifies").isEqualTo(c);
    assertThat(ids.open(7)).isEqualTo(a);
    assertThat(ids.open(7)).as("none ended: a new id").isEqualTo(4);
  }

  @Test
  void shouldPutThePartInTheHighBitsSoPartsNeverShareAnId() {
    FlowIds part2 = new FlowIds(2);

    long id = part2.open(5);
    part2.close(id, 6);

    assertThat(id).isEqualTo((2L << 32) | 1);
    assertThat(part2.open(7)).isEqualTo(id);
  }

  @Test
  void shouldTakeNewIdsOnceMoreFlowsThanTheScanLimitAreOpen() {
    FlowIds ids = new FlowIds(0);
    for (int i = 0; i < FlowIds.SCAN_LIMIT + 10; i++) {
      assertThat(ids.open(1)).isEqualTo(i + 1);
    }
    ids.close(FlowIds.SCAN_LIMIT + 5, 2);

    assertThat(ids.open(3)).as("a free id beyond the scan limit is not searched for")
        .isEqualTo(FlowIds.SCAN_LIMIT + 11);
  }
}
