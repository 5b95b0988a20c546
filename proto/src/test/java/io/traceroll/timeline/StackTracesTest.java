package io.traceroll.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.timeline.StackTraces.Format;
import io.traceroll.timeline.StackTraces.ParsedStack;
import io.traceroll.timeline.StackTraces.StackFrame;
import org.junit.jupiter.api.Test;

class StackTracesTest {

  private static final String JAVA = """
      java.lang.IllegalStateException: order 42 failed
      \tat io.shop.checkout.Checkout.pay(Checkout.java:120)
      \tat io.shop.checkout.Checkout$$Lambda/0x0000000800c03000.apply(Unknown Source)
      \tat java.base/java.lang.Thread.run(Thread.java:840)
      \tat app//io.shop.Main.main(Native Method)
      Caused by: java.net.SocketTimeoutException: Read timed out
      \tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)
      \t... 4 more
      """;

  @Test
  void shouldParseJavaFramesOutermostFirstWithoutModulePrefixes() {
    ParsedStack p = StackTraces.parse(JAVA, 100);

    assertThat(p.format()).isEqualTo(Format.JAVA);
    assertThat(p.headline()).isEqualTo("java.lang.IllegalStateException: order 42 failed");
    assertThat(p.frames()).containsExactly(
        new StackFrame("io.shop.Main.main", "Native Method", 0),
        new StackFrame("java.lang.Thread.run", "Thread.java", 840),
        new StackFrame("io.shop.checkout.Checkout$$Lambda/0x0000000800c03000.apply", null, 0),
        new StackFrame("io.shop.checkout.Checkout.pay", "Checkout.java", 120));
  }

  @Test
  void shouldGiveTheParsedFramesAsRegionsOfTheTextWhenParsedInPlace() {
    StackTraces.JavaStack in = StackTraces.parseJavaInPlace(JAVA, 3, new StackTraces.Scratch());
    ParsedStack p = StackTraces.parse(JAVA, 3);

    assertThat(in.frames()).isEqualTo(p.frames());
    assertThat(in.droppedFrames()).isEqualTo(1);
    assertThat(in.causes()).isEqualTo(p.causes());
    assertThat(in.framesHash()).isEqualTo(StackTraces.framesHash(p.frames()));
    int[] r = in.regions();
    // outermost kept frame: "java.lang.Thread.run" in Thread.java, line 840
    assertThat(JAVA.substring(r[0], r[1])).isEqualTo("java.lang.Thread.run");
    assertThat(JAVA.substring(r[2], r[3])).isEqualTo("Thread.java");
    assertThat(r[4]).isEqualTo(840);
    // the lambda frame has no file: begin -1
    assertThat(r[5 + 2]).isEqualTo(-1);
    assertThat(StackTraces.parseJavaInPlace("no frames here", 3, new StackTraces.Scratch()))
        .isNull();
  }

  @Test
  void shouldKeepJavaCauseHeadlinesButNotTheirFrames() {
    ParsedStack p = StackTraces.parse(JAVA, 100);

    assertThat(p.causes()).containsExactly("Caused by: java.net.SocketTimeoutException: Read timed out");
    assertThat(p.frames()).extracting(StackFrame::function).doesNotContain("sun.nio.ch.NioSocketImpl.timedRead");
  }

  @Test
  void shouldParseTheLastPythonTracebackAsRaised() {
    String py = """
        Traceback (most recent call last):
          File "/app/db.py", line 7, in connect
            sock.connect(addr)
        ConnectionRefusedError: [Errno 111] Connection refused

        During handling of the above exception, another exception occurred:

        Traceback (most recent call last):
          File "/app/main.py", line 30, in <module>
            main()
          File "/app/main.py", line 12, in main
            db.connect()
        RuntimeError: database unavailable
        """;

    ParsedStack p = StackTraces.parse(py, 100);

    assertThat(p.format()).isEqualTo(Format.PYTHON);
    assertThat(p.headline()).isEqualTo("RuntimeError: database unavailable");
    assertThat(p.frames()).containsExactly(
        new StackFrame("<module>", "/app/main.py", 30),
        new StackFrame("main", "/app/main.py", 12));
    assertThat(p.causes()).containsExactly("ConnectionRefusedError: [Errno 111] Connection refused");
  }

  @Test
  void shouldParseTheFirstGoroutineOfAGoPanic() {
    String go = """
        panic: runtime error: index out of range [3] with length 3

        goroutine 1 [running]:
        main.(*Cart).item(0xc000012345, 0x3)
        \t/app/cart.go:42 +0x1d
        main.main()
        \t/app/main.go:8 +0x20

        goroutine 7 [chan receive]:
        main.worker()
        \t/app/worker.go:3 +0x10
        """;

    ParsedStack p = StackTraces.parse(go, 100);

    assertThat(p.format()).isEqualTo(Format.GO);
    assertThat(p.headline()).isEqualTo("panic: runtime error: index out of range [3] with length 3");
    assertThat(p.frames()).containsExactly(
        new StackFrame("main.main", "/app/main.go", 8),
        new StackFrame("main.(*Cart).item", "/app/cart.go", 42));
  }

  @Test
  void shouldReturnNullForUnknownFormats() {
    assertThat(StackTraces.parse("Error: something broke\n    at Object.<anonymous> (/app/x.js:1:2)", 10))
        .as("node.js format is not recognised, the caller keeps the raw text").isNull();
    assertThat(StackTraces.parse("", 10)).isNull();
    assertThat(StackTraces.parse(null, 10)).isNull();
  }

  @Test
  void shouldDropOutermostFramesBeyondTheLimitAndCountThem() {
    ParsedStack p = StackTraces.parse(JAVA, 2);

    assertThat(p.droppedFrames()).isEqualTo(2);
    assertThat(p.frames()).extracting(StackFrame::function).containsExactly(
        "io.shop.checkout.Checkout$$Lambda/0x0000000800c03000.apply", "io.shop.checkout.Checkout.pay");
  }

  @Test
  void shouldDisplayFramesWithFileAndLine() {
    assertThat(new StackFrame("a.B.c", "B.java", 3).display()).isEqualTo("a.B.c (B.java:3)");
    assertThat(new StackFrame("a.B.c", "Native Method", 0).display()).isEqualTo("a.B.c (Native Method)");
    assertThat(new StackFrame("a.B.c", null, 0).display()).isEqualTo("a.B.c");
  }
}
