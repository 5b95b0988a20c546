package io.traceroll.timeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the stack trace text of an OTel {@code exception} event ({@code exception.stacktrace})
 * into frames for an interned Perfetto callstack. Recognises the formats our services print:
 * Java's {@code Throwable.printStackTrace}, CPython's traceback, and Go's panic/goroutine dump.
 * Anything else returns {@code null} and the caller keeps the raw text, so nothing is lost.
 *
 * <p>Only the frames of the exception that was reported are turned into a callstack (Java: the
 * outer exception, before any "Caused by"; Python: the last traceback, the one actually raised; Go:
 * the first goroutine, the panicking one). The other exceptions of a chain are kept as their
 * headline ("Caused by: ..." lines) since that is what an SRE scans for.
 */
public final class StackTraces {
  public enum Format { JAVA, PYTHON, GO }

  /** One frame; {@code file} is {@code null} and {@code line} 0 when the trace does not say. */
  public record StackFrame(String function, String file, int line) {
    /** How the frame is shown as a Perfetto function name: "fn (File.java:42)". */
    public String display() {
      if (file == null) {
        return function;
      }
      return line > 0 ? function + " (" + file + ":" + line + ")" : function + " (" + file + ")";
    }
  }

  /**
   * @param headline the exception line ("java.lang.IllegalStateException: boom"), or {@code null}
   * @param frames outermost (e.g. {@code main}) first, as Perfetto orders callstack frames
   * @param causes headlines of the other exceptions of the chain, in printed order
   * @param droppedFrames frames beyond the limit, dropped from the outermost end
   */
  public record ParsedStack(Format format, String headline, List<StackFrame> frames,
      List<String> causes, int droppedFrames) {
    public ParsedStack {
      frames = List.copyOf(frames);
      causes = List.copyOf(causes);
    }
  }

  // "at [module[@version]/ | loader//]class.method(Source.java:12)"; a hidden class's "/0x..."
  // (lambdas on JDK 15+) is part of the class name, not a module prefix.
  private static final Pattern JAVA_FRAME =
      Pattern.compile("^\\s*at\\s+(?:[^\\s/()]+/{1,2}(?!0x))?([^\\s()]+)\\(([^)]*)\\)\\s*$");
  private static final Pattern JAVA_CAUSE = Pattern.compile("^\\s*(Caused by|Suppressed): (.*)$");
  private static final Pattern PY_FRAME =
      Pattern.compile("^\\s+File \"([^\"]*)\", line (\\d+)(?:, in (.*))?$");
  private static final Pattern GO_LOCATION = Pattern.compile("^\\s+(\\S+\\.go):(\\d+)(?: \\+0x[0-9a-f]+)?\\s*$");
  private static final Pattern GO_GOROUTINE = Pattern.compile("^goroutine \\d+ \\[.*\\]:\\s*$");

  private StackTraces() {}

  /** The parsed stack, or {@code null} when the text is in none of the known formats. */
  public static ParsedStack parse(String text, int maxFrames) {
    if (text == null || text.isBlank()) {
      return null;
    }
    ParsedStack p = parseJava(text, maxFrames);
    if (p == null) {
      String[] lines = lines(text);
      p = parsePython(lines, maxFrames);
      if (p == null) {
        p = parseGo(lines, maxFrames);
      }
    }
    return p;
  }

  /**
   * Walks the text line by line in place (the lines {@link #lines} would give): a frame line
   * costs two substrings (method and file), not a line string plus four.
   */
  private static ParsedStack parseJava(String text, int maxFrames) {
    List<StackFrame> innermostFirst = new ArrayList<>();
    List<String> causes = new ArrayList<>();
    String headline = null;
    boolean inOuter = true;
    int[] frame = new int[4];
    int length = text.length();
    for (int from = 0; from <= length; ) {
      int nl = text.indexOf('\n', from);
      int next = nl < 0 ? length + 1 : nl + 1;
      int to = nl < 0 ? length : nl > from && text.charAt(nl - 1) == '\r' ? nl - 1 : nl;
      if (javaFrame(text, from, to, frame)) {
        if (inOuter) {
          innermostFirst.add(javaFrame(text, frame));
        }
        from = next;
        continue;
      }
      String line = text.substring(from, to);
      from = next;
      // the regex needs one of these literally: most lines are skipped without running it
      Matcher c = line.contains("Caused by: ") || line.contains("Suppressed: ")
          ? JAVA_CAUSE.matcher(line) : null;
      if (c != null && c.matches()) {
        inOuter = false;
        causes.add(c.group(1) + ": " + c.group(2).trim());
      } else if (headline == null && !line.isBlank() && innermostFirst.isEmpty()) {
        headline = line.trim();
      }
    }
    if (innermostFirst.isEmpty()) {
      return null;
    }
    return finish(Format.JAVA, headline, innermostFirst, true, causes, maxFrames);
  }

  /** {@code text.split("\r?\n")} without the regex engine: split on '\n', drop a '\r' before it. */
  static String[] lines(String text) {
    List<String> out = new ArrayList<>();
    int from = 0;
    for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      int end = nl > from && text.charAt(nl - 1) == '\r' ? nl - 1 : nl;
      out.add(text.substring(from, end));
      from = nl + 1;
    }
    out.add(text.substring(from));
    int n = out.size();
    while (n > 1 && out.get(n - 1).isEmpty()) { // split drops trailing empty strings
      n--;
    }
    if (n == 1 && out.get(0).isEmpty() && !text.isEmpty()) {
      return new String[0]; // split of only separators
    }
    return out.subList(0, n).toArray(new String[0]);
  }

  /**
   * Matches {@link #JAVA_FRAME} by hand (the regex was ~15% of encoding a request with errors):
   * on a match stores group 1 (qualified method) and 2 (location) in {@code groups}. The
   * property test checks it against the regex.
   */
  static boolean javaFrame(String line, String[] groups) {
    int[] at = new int[4];
    if (!javaFrame(line, 0, line.length(), at)) {
      return false;
    }
    groups[0] = line.substring(at[0], at[1]);
    groups[1] = line.substring(at[2], at[3]);
    return true;
  }

  /**
   * {@link #javaFrame(String, String[])} on the line {@code text[from, to)}: on a match stores
   * the bounds of group 1 (qualified method) and group 2 (location) in {@code at}.
   */
  private static boolean javaFrame(String text, int from, int n, int[] at) {
    int i = from;
    while (i < n && isSpace(text.charAt(i))) {
      i++;
    }
    if (i + 2 >= n || text.charAt(i) != 'a' || text.charAt(i + 1) != 't'
        || !isSpace(text.charAt(i + 2))) {
      return false;
    }
    i += 3;
    while (i < n && isSpace(text.charAt(i))) {
      i++;
    }
    int open = i;
    while (open < n && text.charAt(open) != '(') {
      char c = text.charAt(open);
      if (c == ')' || isSpace(c)) {
        return false;
      }
      open++;
    }
    if (open == i || open == n) {
      return false;
    }
    int close = text.indexOf(')', open + 1);
    if (close < 0 || close >= n) {
      return false;
    }
    for (int k = close + 1; k < n; k++) {
      if (!isSpace(text.charAt(k))) {
        return false;
      }
    }
    // optional "module/" or "loader//" prefix: up to the first '/', unless "0x" follows
    int method = i;
    int slash = text.indexOf('/', i);
    if (slash > i && slash < open) {
      if (slash + 1 < open && text.charAt(slash + 1) == '/' && slash + 2 < open
          && !text.startsWith("0x", slash + 2)) {
        method = slash + 2;
      } else if (slash + 1 < open && !text.startsWith("0x", slash + 1)) {
        method = slash + 1;
      }
    }
    at[0] = method;
    at[1] = open;
    at[2] = open + 1;
    at[3] = close;
    return true;
  }

  /** Regex {@code \s}: [ \t\n\x0B\f\r]. */
  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }

  /** The frame whose bounds {@link #javaFrame(String, int, int, int[])} found. */
  private static StackFrame javaFrame(String text, int[] at) {
    String qualifiedMethod = text.substring(at[0], at[1]);
    int from = at[2];
    int to = at[3];
    // "Foo.java:12", "Foo.java", "Native Method", "Unknown Source"
    int colon = text.lastIndexOf(':', to - 1);
    if (colon > from) {
      int line = parseLine(text, colon + 1, to);
      if (line > 0) {
        return new StackFrame(qualifiedMethod, text.substring(from, colon), line);
      }
    }
    if (from == to || text.startsWith("Unknown Source", from) && to - from == 14) {
      return new StackFrame(qualifiedMethod, null, 0);
    }
    return new StackFrame(qualifiedMethod, text.substring(from, to), 0);
  }

  /** {@link #parseLine(String)} of {@code text[from, to)}, without the substring. */
  private static int parseLine(String text, int from, int to) {
    while (from < to && text.charAt(from) <= ' ') { // String.trim()
      from++;
    }
    while (to > from && text.charAt(to - 1) <= ' ') {
      to--;
    }
    try {
      return Integer.parseInt(text, from, to, 10);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static ParsedStack parsePython(String[] lines, int maxFrames) {
    List<StackFrame> frames = new ArrayList<>();
    List<String> causes = new ArrayList<>();
    String lastException = null;
    boolean sawTraceback = false;
    for (String line : lines) {
      if (line.startsWith("Traceback (most recent call last):")) {
        if (sawTraceback && lastException != null) {
          causes.add(lastException);
        }
        sawTraceback = true;
        frames.clear();
        lastException = null;
        continue;
      }
      if (!sawTraceback) {
        continue;
      }
      Matcher f = PY_FRAME.matcher(line);
      if (f.matches()) {
        String fn = f.group(3) == null ? "<unknown>" : f.group(3).trim();
        frames.add(new StackFrame(fn, f.group(1), parseLine(f.group(2))));
      } else if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))
          && !line.startsWith("During handling") && !line.startsWith("The above exception")) {
        lastException = line.trim();
      }
    }
    if (frames.isEmpty()) {
      return null;
    }
    return finish(Format.PYTHON, lastException, frames, false, causes, maxFrames);
  }

  private static ParsedStack parseGo(String[] lines, int maxFrames) {
    List<StackFrame> innermostFirst = new ArrayList<>();
    String headline = null;
    int goroutines = 0;
    String pendingFunction = null;
    for (String line : lines) {
      if (GO_GOROUTINE.matcher(line).matches()) {
        goroutines++;
        pendingFunction = null;
        continue;
      }
      if (goroutines == 0) {
        if (headline == null && !line.isBlank()) {
          headline = line.trim();
        }
        continue;
      }
      if (goroutines > 1) {
        break;
      }
      Matcher loc = GO_LOCATION.matcher(line);
      if (loc.matches() && pendingFunction != null) {
        innermostFirst.add(new StackFrame(pendingFunction, loc.group(1), parseLine(loc.group(2))));
        pendingFunction = null;
      } else if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
        pendingFunction = goFunction(line.trim());
      }
    }
    if (innermostFirst.isEmpty()) {
      return null;
    }
    return finish(Format.GO, headline, innermostFirst, true, List.of(), maxFrames);
  }

  /** "main.(*T).run(0xc000010000, {0x1, 0x2})" -> "main.(*T).run"; "created by main.main in goroutine 1" -> "main.main". */
  private static String goFunction(String line) {
    if (line.startsWith("created by ")) {
      String fn = line.substring("created by ".length());
      int in = fn.indexOf(" in goroutine ");
      return in > 0 ? fn.substring(0, in) : fn;
    }
    if (line.endsWith(")")) {
      int open = line.lastIndexOf('(');
      if (open > 0) {
        return line.substring(0, open);
      }
    }
    return line;
  }

  private static ParsedStack finish(Format format, String headline, List<StackFrame> frames,
      boolean innermostFirst, List<String> causes, int maxFrames) {
    List<StackFrame> outermostFirst = new ArrayList<>(frames);
    if (innermostFirst) {
      Collections.reverse(outermostFirst);
    }
    int dropped = Math.max(0, outermostFirst.size() - maxFrames);
    // keep the innermost frames: that is where the exception was thrown
    List<StackFrame> kept = outermostFirst.subList(dropped, outermostFirst.size());
    return new ParsedStack(format, headline, kept, causes, dropped);
  }

  private static int parseLine(String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
