package io.traceroll.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.timeline.StackTraces.Format;
import io.traceroll.timeline.StackTraces.ParsedStack;
import io.traceroll.timeline.StackTraces.StackFrame;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The hand-written Java frame matcher and line splitter of {@link StackTraces} against the regular
 * expressions they replace, on lines built from the characters the grammar cares about.
 */
class StackTracesRegexEquivalenceTest {
  private static final Pattern JAVA_FRAME =
      Pattern.compile("^\\s*at\\s+(?:[^\\s/()]+/{1,2}(?!0x))?([^\\s()]+)\\(([^)]*)\\)\\s*$");

  @Provide
  Arbitrary<String> frameLikeLines() {
    Arbitrary<String> noise = Arbitraries.strings()
        .withChars(" \t\r\n\u000B\f\u2028\u0085/()0x:.aAt1$")
        .ofMaxLength(24);
    Arbitrary<String> prefix = Arbitraries.of("", "at ", "\tat ", "  at\t", "at", "\tat java.base/",
        "at app//", "at x//0x", "at m/0x1/", "at a/b//c.", "at //", "at a/");
    Arbitrary<String> tail = Arbitraries.of("", "(F.java:1)", "(Native Method)", ")", "( ) ",
        "(a(b)c)", "(x)\u2028", "(x) \r\n", "(x)\u2028 ", "(", "(x)\n\tat a.b(C.java:2)",
        "(x)\r", "\nat y(z)", "(x\n)");
    return net.jqwik.api.Combinators.combine(prefix, noise, tail).as((p, n, t) -> p + n + t);
  }

  @Property(tries = 3000)
  void shouldMatchJavaFramesExactlyAsTheRegex(@ForAll("frameLikeLines") String text) {
    // the matcher looks at the text's first line, as the parser splits lines
    Matcher m = JAVA_FRAME.matcher(firstLine(text));
    String[] groups = new String[2];

    boolean matched = StackTraces.javaFrame(text, groups);

    assertThat(matched).as("matches %s", text.chars().mapToObj(Integer::toHexString).toList()).isEqualTo(m.matches());
    if (matched) {
      assertThat(groups).containsExactly(m.group(1), m.group(2));
    }
  }

  /** Up to the first '\n', without a '\r' right before it: a line as the parser splits them. */
  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    if (nl < 0) {
      return text;
    }
    return nl > 0 && text.charAt(nl - 1) == '\r' ? text.substring(0, nl - 1) : text.substring(0, nl);
  }

  private static final Pattern JAVA_CAUSE = Pattern.compile("^\\s*(Caused by|Suppressed): (.*)$");

  @Provide
  Arbitrary<String> javaTraces() {
    Arbitrary<String> line = Arbitraries.of("java.lang.IllegalStateException: boom", "",
        "  ", "\tat io.shop.A.run(A.java:12)", "\tat java.base/java.lang.Thread.run(Thread.java:840)",
        "at app//x.Y.z(Native Method)", "\tat x.Y$$Lambda/0x01.apply(Unknown Source)",
        "\tat a.B.c(B.java: 7 )", "\tat a.B.c(B.java:0)", "\tat a.B.c()", "\tat a.B.c(B.java:1) x",
        "\tat a.B(c", "at", "\t... 3 more", "Caused by: java.io.IOException: closed",
        "  Suppressed: x.Y: z ", "Caused by:x", "Caused by: a\u2028", "\tCaused by: q",
        "Caused by: a\u0085b", "Caused by: a\rb", "Suppressed: \u000Bx\f",
        "\u000Bat a.b(C.java:3)\f", "\tat a.b(C.java:3)\u2028");
    Arbitrary<String> separator = Arbitraries.of("\n", "\r\n", "\r\n\n");
    return Combinators.combine(line.list().ofMaxSize(10), separator, Arbitraries.of("", "\n"))
        .as((lines, sep, end) -> String.join(sep, lines) + end);
  }

  @Property(tries = 2000)
  void shouldParseJavaTracesInPlaceAsTheRegexesLineByLine(@ForAll("javaTraces") String text,
      @ForAll @IntRange(min = 1, max = 4) int maxFrames) {
    ParsedStack expected = byRegex(text, maxFrames);

    ParsedStack parsed = StackTraces.parse(text, maxFrames);

    assertThat(parsed).isEqualTo(expected);
  }

  /** Java parsing as the regexes of the first version did it, one line at a time. */
  private static ParsedStack byRegex(String text, int maxFrames) {
    if (text.isBlank()) {
      return null;
    }
    List<StackFrame> innermostFirst = new ArrayList<>();
    List<String> causes = new ArrayList<>();
    String headline = null;
    boolean inOuter = true;
    for (String line : text.split("\r?\n")) {
      Matcher frame = JAVA_FRAME.matcher(line);
      Matcher cause = JAVA_CAUSE.matcher(line);
      if (frame.matches()) {
        if (inOuter) {
          innermostFirst.add(frame(frame.group(1), frame.group(2)));
        }
      } else if (cause.matches()) {
        inOuter = false;
        causes.add(cause.group(1) + ": " + cause.group(2).trim());
      } else if (headline == null && !line.isBlank() && innermostFirst.isEmpty()) {
        headline = line.trim();
      }
    }
    if (innermostFirst.isEmpty()) {
      return null;
    }
    List<StackFrame> outermostFirst = new ArrayList<>(innermostFirst);
    Collections.reverse(outermostFirst);
    int dropped = Math.max(0, outermostFirst.size() - maxFrames);
    return new ParsedStack(Format.JAVA, headline,
        outermostFirst.subList(dropped, outermostFirst.size()), causes, dropped);
  }

  private static StackFrame frame(String function, String location) {
    int colon = location.lastIndexOf(':');
    if (colon > 0) {
      int line;
      try {
        line = Integer.parseInt(location.substring(colon + 1).trim());
      } catch (NumberFormatException e) {
        line = 0;
      }
      if (line > 0) {
        return new StackFrame(function, location.substring(0, colon), line);
      }
    }
    return location.isEmpty() || location.equals("Unknown Source")
        ? new StackFrame(function, null, 0) : new StackFrame(function, location, 0);
  }

  @Property(tries = 1000)
  void shouldSplitLinesExactlyAsTheRegex(@ForAll("texts") String text) {
    assertThat(StackTraces.lines(text)).containsExactly(text.split("\r?\n"));
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings().withChars("ab \r\n").ofMaxLength(12);
  }
}
