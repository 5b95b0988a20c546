package io.traceroll.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

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
        "(a(b)c)", "(x)\u2028", "(x) \r\n", "(x)\u2028 ", "(");
    return net.jqwik.api.Combinators.combine(prefix, noise, tail).as((p, n, t) -> p + n + t);
  }

  @Property(tries = 3000)
  void shouldMatchJavaFramesExactlyAsTheRegex(@ForAll("frameLikeLines") String line) {
    Matcher m = JAVA_FRAME.matcher(line);
    String[] groups = new String[2];

    boolean matched = StackTraces.javaFrame(line, groups);

    assertThat(matched).as("matches %s", line.chars().mapToObj(Integer::toHexString).toList()).isEqualTo(m.matches());
    if (matched) {
      assertThat(groups).containsExactly(m.group(1), m.group(2));
    }
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
