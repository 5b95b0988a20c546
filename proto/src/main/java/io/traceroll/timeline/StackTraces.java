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
    String[] lines = lines(text);
    ParsedStack p = parseJava(lines, maxFrames);
    if (p == null) {
      p = parsePython(lines, maxFrames);
    }
    if (p == null) {
      p = parseGo(lines, maxFrames);
    }
    return p;
  }

  private static ParsedStack parseJava(String[] lines, int maxFrames) {
    List<StackFrame> innermostFirst = new ArrayList<>();
    List<String> causes = new ArrayList<>();
    String headline = null;
    boolean inOuter = true;
    String[] frame = new String[2];
    for (String line : lines) {
      if (javaFrame(line, frame)) {
        if (inOuter) {
          innermostFirst.add(javaFrame(frame[0], frame[1]));
        }
        continue;
      }
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
    int n = line.length(); // matches(): "$" only at the very end, the whole line consumed
    int i = 0;
    while (i < n && isSpace(line.charAt(i))) {
      i++;
    }
    if (i + 2 >= n || line.charAt(i) != 'a' || line.charAt(i + 1) != 't'
        || !isSpace(line.charAt(i + 2))) {
      return false;
    }
    i += 3;
    while (i < n && isSpace(line.charAt(i))) {
      i++;
    }
    int open = i;
    while (open < n && line.charAt(open) != '(') {
      char c = line.charAt(open);
      if (c == ')' || isSpace(c)) {
        return false;
      }
      open++;
    }
    if (open == i || open == n) {
      return false;
    }
    int close = line.indexOf(')', open + 1);
    if (close < 0) {
      return false;
    }
    for (int k = close + 1; k < n; k++) {
      if (!isSpace(line.charAt(k))) {
        return false;
      }
    }
    // optional "module/" or "loader//" prefix: up to the first '/', unless "0x" follows
    int method = i;
    int slash = line.indexOf('/', i);
    if (slash > i && slash < open) {
      if (slash + 1 < open && line.charAt(slash + 1) == '/' && slash + 2 < open
          && !line.startsWith("0x", slash + 2)) {
        method = slash + 2;
      } else if (slash + 1 < open && !line.startsWith("0x", slash + 1)) {
        method = slash + 1;
      }
    }
    groups[0] = line.substring(method, open);
    groups[1] = line.substring(open + 1, close);
    return true;
  }

  /** Regex {@code \s}: [ \t\n\x0B\f\r]. */
  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }

  private static StackFrame javaFrame(String qualifiedMethod, String location) {
    // "Foo.java:12", "Foo.java", "Native Method", "Unknown Source"
    int colon = location.lastIndexOf(':');
    if (colon > 0) {
      int line = parseLine(location.substring(colon + 1));
      if (line > 0) {
        return new StackFrame(qualifiedMethod, location.substring(0, colon), line);
      }
    }
    if (location.isEmpty() || location.equals("Unknown Source")) {
      return new StackFrame(qualifiedMethod, null, 0);
    }
    return new StackFrame(qualifiedMethod, location, 0);
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
