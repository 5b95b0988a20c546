package io.traceroll.topology.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
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

  @Test
  void shouldRefuseBytesItDidNotWrite() {
    assertThatThrownBy(() -> RequestState.decode(new byte[] {9, 9, 9}))
        .isInstanceOf(IllegalStateException.class);
  }
}
