package io.traceroll.topology.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RequestStateTest {

  @Property(tries = 200)
  void shouldDecodeWhatItEncoded(@ForAll int part, @ForAll boolean closed, @ForAll boolean late,
      @ForAll int count, @ForAll long bytes, @ForAll long a, @ForAll long b, @ForAll long c,
      @ForAll boolean root, @ForAll long d, @ForAll long e) {
    RequestState s = new RequestState(part, closed, late, count, bytes, a, b, c, d, e, a, root, b,
        c, d, e, a);

    assertThat(RequestState.decode(s.encode())).isEqualTo(s);
  }

  @Test
  void shouldOpenALatePartAfterTheRequestClosed() {
    RequestState closed = RequestState.fresh().append(1, 1, 1, 10, false, 5).sealed(true, 2);

    RequestState late = closed.append(3, 3, 3, 10, false, 9);

    assertThat(late.part()).isEqualTo(1);
    assertThat(late.late()).isTrue();
    assertThat(late.spanCount()).isEqualTo(1);
  }

  @Test
  void shouldNotMarkThePartAfterARollLate() {
    RequestState rolled = RequestState.fresh().append(1, 1, 1, 10, false, 5).sealed(false, 2);

    assertThat(rolled.append(3, 3, 3, 10, false, 9).late()).isFalse();
  }

  @Test
  void shouldConsiderTheRootFinishedOnlyWhenNoSpanEndsAfterIt() {
    RequestState s = RequestState.fresh().append(1, 1, 1, 10, false, 50)
        .append(1, 1, 1, 10, true, 100);
    assertThat(s.rootFinished()).isTrue();

    assertThat(s.append(1, 1, 1, 10, false, 150).rootFinished()).isFalse();
  }

  /** A chunk is appended in one step; the summary must not depend on how spans were grouped. */
  @Property(tries = 500)
  void shouldSummariseAChunkExactlyAsItsSpansAppendedOneByOne(
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 40) Integer> ends,
      @ForAll @Size(min = 8, max = 8) List<Boolean> roots, @ForAll boolean startFresh) {
    RequestState start = startFresh ? RequestState.fresh()
        : RequestState.fresh().append(1, 1, 1, 7, true, 20).sealed(true, 2);
    RequestState oneByOne = start;
    boolean anyRoot = false;
    long rootEnd = 0;
    long maxEnd = Long.MIN_VALUE;
    for (int i = 0; i < ends.size(); i++) {
      long end = ends.get(i);
      boolean root = roots.get(i);
      oneByOne = oneByOne.append(5, 6, 7, 3, root, end);
      if (root) {
        rootEnd = anyRoot ? Math.max(rootEnd, end) : end;
        anyRoot = true;
      }
      maxEnd = Math.max(maxEnd, end);
    }

    RequestState chunk = start.append(5, 6, 7, 3 * ends.size(), ends.size(), anyRoot, rootEnd,
        maxEnd);

    assertThat(chunk).isEqualTo(oneByOne);
  }

  @Test
  void shouldRefuseBytesItDidNotWrite() {
    assertThatThrownBy(() -> RequestState.decode(new byte[] {9, 9, 9}))
        .isInstanceOf(IllegalStateException.class);
  }
}
