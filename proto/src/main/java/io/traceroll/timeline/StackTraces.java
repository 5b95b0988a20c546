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
  /** Characters up to '/' that end or break a frame's method name: '(', ')', '/' and \s. */
  private static final boolean[] NAME_SPECIAL = new boolean['/' + 1];

  static {
    for (char c : new char[] {'(', ')', '/', ' ', '\t', '\n', '\u000B', '\f', '\r'}) {
      NAME_SPECIAL[c] = true;
    }
  }

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

  private static ParsedStack parseJava(String text, int maxFrames) {
    JavaStack java = parseJavaInPlace(text, maxFrames, new Scratch());
    return java == null ? null : new ParsedStack(Format.JAVA, java.headline, java.frames(),
        java.causes(), java.droppedFrames());
  }

  /**
   * A Java stack trace parsed in place: its kept frames as regions of the text, outermost first,
   * as {@link #parse} would give them ({@link #frames()} makes exactly those records). Most
   * stacks of a request occur once and are written straight from the text ({@link #regions()}),
   * so a frame costs no strings; the frames are only made when a stack repeats.
   */
  static final class JavaStack {
    private final String text;
    private final int[] regions;
    private final int count;
    private final List<String> causes;
    private final int dropped;
    private final int hash;
    private final String headline;
    private List<StackFrame> frames;

    private JavaStack(String text, int[] regions, int count, List<String> causes, int dropped,
        String headline) {
      this.text = text;
      this.regions = regions;
      this.count = count;
      this.causes = causes;
      this.dropped = dropped;
      this.headline = headline;
      int h = 1;
      for (int f = 0; f < count; f++) {
        int r = 5 * f;
        h = frameHash(h, regions[r + 1] - regions[r], text.charAt(regions[r + 1] - 1),
            regions[r + 2] < 0 ? -1 : regions[r + 3] - regions[r + 2], regions[r + 4]);
      }
      this.hash = h;
    }

    String text() {
      return text;
    }

    /**
     * Five ints per frame, outermost first: function begin and end, source file begin and end
     * (begin -1 when the trace names none), line (0 when none); see {@link #frameCount()}.
     */
    int[] regions() {
      return regions;
    }

    int frameCount() {
      return count;
    }

    List<String> causes() {
      return causes;
    }

    int droppedFrames() {
      return dropped;
    }

    /** Equal for equal {@link #frames()}, and equal to {@link #framesHash} of those frames. */
    int framesHash() {
      return hash;
    }

    /** The frames as {@link #parse} gives them. */
    List<StackFrame> frames() {
      if (frames == null) {
        List<StackFrame> out = new ArrayList<>(count);
        for (int f = 0; f < count; f++) {
          int r = 5 * f;
          out.add(new StackFrame(text.substring(regions[r], regions[r + 1]),
              regions[r + 2] < 0 ? null : text.substring(regions[r + 2], regions[r + 3]),
              regions[r + 4]));
        }
        frames = List.copyOf(out);
      }
      return frames;
    }
  }

  /**
   * The hash {@link JavaStack#framesHash()} gives frames equal to these. A cheap one (lengths,
   * a character, the line): it only has to be equal for equal frames, and stacks whose hashes
   * meet are compared in full.
   */
  static int framesHash(List<StackFrame> frames) {
    int h = 1;
    for (StackFrame f : frames) {
      String fn = f.function();
      h = frameHash(h, fn.length(), fn.isEmpty() ? 0 : fn.charAt(fn.length() - 1),
          f.file() == null ? -1 : f.file().length(), f.line());
    }
    return h;
  }

  private static int frameHash(int h, int functionLength, char last, int fileLength, int line) {
    h = 31 * h + functionLength;
    h = 31 * h + last;
    h = 31 * h + fileLength;
    return 31 * h + line;
  }

  /** Working arrays of {@link #parseJavaInPlace}, reused from stack to stack. */
  static final class Scratch {
    private char[] chars = new char[2048];
    private int[] inner = new int[5 * 32];
    private final int[] frame = new int[4];
  }

  /**
   * {@link #parse} for a Java stack trace, without making strings of its frames; {@code null}
   * when the text has no Java frame (then {@link #parse} tries the other formats). Scans a copy
   * of the text's characters (one bulk copy) rather than calling charAt per character.
   */
  static JavaStack parseJavaInPlace(String text, int maxFrames, Scratch scratch) {
    if (text == null || text.isBlank()) {
      return null;
    }
    int length = text.length();
    if (scratch.chars.length < length) {
      scratch.chars = new char[Math.max(length, 2 * scratch.chars.length)];
    }
    char[] c = scratch.chars;
    text.getChars(0, length, c, 0);
    int[] inner = scratch.inner; // innermost first, as printed
    int[] frame = scratch.frame;
    int n = 0;
    List<String> causes = null;
    String headline = null;
    boolean inOuter = true;
    for (int from = 0; from <= length; ) {
      // A frame line's end is found by the match itself (most lines are frames), the others'
      // by the JDK's search (vectorized): searching every line first was ~6% of parsing a
      // stack. After the first cause only causes count (its frames are not kept, and a frame
      // line, starting with "at", is never a cause): lines are not matched as frames then.
      int frameEnd = inOuter ? javaFrame(c, from, length, frame) : -1;
      if (frameEnd >= 0) {
        if (5 * n + 5 > inner.length) {
          inner = java.util.Arrays.copyOf(inner, inner.length * 2);
          scratch.inner = inner;
        }
        frameRegions(text, c, frame, inner, 5 * n);
        n++;
        from = frameEnd + 1;
        continue;
      }
      int nl = from == length ? length : text.indexOf('\n', from);
      if (nl < 0) {
        nl = length;
      }
      int to = nl < length && nl > from && c[nl - 1] == '\r' ? nl - 1 : nl;
      int lineFrom = from;
      from = nl + 1;
      int first = lineFrom;
      while (first < to && isSpace(c[first])) {
        first++;
      }
      String cause = cause(text, c, first, to);
      if (cause != null) {
        if (n == 0) {
          return null; // no frame before the first cause, and none after it is kept
        }
        inOuter = false;
        if (causes == null) {
          causes = new ArrayList<>(2);
        }
        causes.add(cause);
      } else if (headline == null && n == 0) {
        String line = text.substring(lineFrom, to);
        if (!line.isBlank()) {
          headline = line.trim();
        }
      }
    }
    if (n == 0) {
      return null;
    }
    // keep the innermost frames (where the exception was thrown), outermost first
    int kept = Math.min(n, maxFrames);
    int[] out = new int[5 * kept];
    for (int j = 0; j < kept; j++) {
      System.arraycopy(inner, 5 * (kept - 1 - j), out, 5 * j, 5);
    }
    return new JavaStack(text, out, kept, causes == null ? List.of() : List.copyOf(causes),
        n - kept, headline);
  }

  /**
   * The regex {@code ^\s*(Caused by|Suppressed): (.*)$} by hand on the line {@code text[from,
   * to)}, its leading \s skipped ({@code from}): group 1 + ": " + group 2 trimmed, or {@code
   * null} when the line is no cause. The regex was ~10% of parsing a stack (a matcher and its
   * groups for one line per stack). The property test checks it against the regex.
   */
  private static String cause(String text, char[] c, int from, int to) {
    String kind = text.startsWith("Caused by: ", from) ? "Caused by"
        : text.startsWith("Suppressed: ", from) ? "Suppressed" : null;
    if (kind == null) {
      return null;
    }
    int rest = from + kind.length() + 2;
    for (int k = rest; k < to; k++) {
      char ch = c[k];
      // (.*)$ with matches(): '.' is no line terminator, and nothing may follow
      if (ch == '\r' || ch == '\u0085' || ch == '\u2028' || ch == '\u2029') {
        return null;
      }
    }
    return kind + ": " + text.substring(rest, to).trim();
  }

  /**
   * The regions of the frame whose bounds {@link #javaFrame(char[], int, int, int[])} found:
   * "Foo.java:12", "Foo.java", "Native Method", "Unknown Source".
   */
  private static void frameRegions(String text, char[] c, int[] at, int[] out, int o) {
    out[o] = at[0];
    out[o + 1] = at[1];
    int from = at[2];
    int to = at[3];
    int colon = to - 1;
    while (colon > from && c[colon] != ':') {
      colon--;
    }
    if (colon > from) {
      int line = parseLine(text, c, colon + 1, to);
      if (line > 0) {
        out[o + 2] = from;
        out[o + 3] = colon;
        out[o + 4] = line;
        return;
      }
    }
    if (from == to || to - from == 14 && text.startsWith("Unknown Source", from)) {
      out[o + 2] = -1;
      out[o + 3] = -1;
    } else {
      out[o + 2] = from;
      out[o + 3] = to;
    }
    out[o + 4] = 0;
  }

  /**
   * {@link #parseLine(String)} of {@code text[from, to)}: ASCII digits here, anything else
   * (signs, other scripts' digits) by Integer.parseInt as before.
   */
  private static int parseLine(String text, char[] c, int from, int to) {
    while (from < to && c[from] <= ' ') { // String.trim()
      from++;
    }
    while (to > from && c[to - 1] <= ' ') {
      to--;
    }
    if (from == to || to - from > 9) {
      return parseLine(text, from, to);
    }
    int v = 0;
    for (int i = from; i < to; i++) {
      int d = c[i] - '0';
      if (d < 0 || d > 9) {
        return parseLine(text, from, to);
      }
      v = 10 * v + d;
    }
    return v;
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
   * Matches {@link #JAVA_FRAME} by hand (the regex was ~15% of encoding a request with errors)
   * against the first line of {@code text} (up to its first '\n', a '\r' before it removed, as
   * {@link #lines} splits): on a match stores group 1 (qualified method) and 2 (location) in
   * {@code groups}. The property test checks it against the regex.
   */
  static boolean javaFrame(String text, String[] groups) {
    int[] at = new int[4];
    if (javaFrame(text.toCharArray(), 0, text.length(), at) < 0) {
      return false;
    }
    groups[0] = text.substring(at[0], at[1]);
    groups[1] = text.substring(at[2], at[3]);
    return true;
  }

  /**
   * {@link #javaFrame(String, String[])} on the line that starts at {@code text[from]} and ends
   * at the next '\n' or {@code length}: on a match stores the bounds of group 1 (qualified method)
   * and group 2 (location) in {@code at} and returns the line's end, else returns -1. A '\r'
   * before the '\n' needs no special case: it can only match as the trailing {@code \s*}.
   * Finding the line's end here, in the one pass the match makes anyway, is what saves a
   * separate search per frame line.
   */
  private static int javaFrame(char[] text, int from, int length, int[] at) {
    int i = skipBlanks(text, from, length);
    if (i + 2 >= length || text[i] != 'a' || text[i + 1] != 't' || !isBlank(text[i + 2])) {
      return -1;
    }
    i = skipBlanks(text, i + 3, length);
    int open = i;
    int slash = -1; // the first '/', found on the way to '(' (no second pass over the name)
    for (; ; open++) {
      if (open == length) {
        return -1;
      }
      char c = text[open];
      // one compare for most characters of a name: '(', ')', '/' and every \s are <= '/'
      // ('.' and '$' are too, hence the table) where testing for each in turn was 4; with the
      // line ends found here, parsing a realistic stack took ~18% less time
      if (c <= '/' && NAME_SPECIAL[c]) {
        if (c == '(') {
          break;
        }
        if (c != '/') {
          return -1; // ')' or \s, the line's end included
        }
        if (slash < 0) {
          slash = open;
        }
      }
    }
    if (open == i) {
      return -1;
    }
    int close = open + 1;
    for (; ; close++) {
      if (close == length) {
        return -1;
      }
      char c = text[close];
      if (c == ')') {
        break;
      }
      if (c == '\n') {
        return -1;
      }
    }
    int end = close + 1;
    for (; end < length && text[end] != '\n'; end++) {
      if (!isSpace(text[end])) {
        return -1;
      }
    }
    // optional "module/" or "loader//" prefix: up to the first '/', unless "0x" follows
    int method = i;
    if (slash > i) {
      if (slash + 1 < open && text[slash + 1] == '/' && slash + 2 < open
          && !hex(text, slash + 2, open)) {
        method = slash + 2;
      } else if (slash + 1 < open && !hex(text, slash + 1, open)) {
        method = slash + 1;
      }
    }
    at[0] = method;
    at[1] = open;
    at[2] = open + 1;
    at[3] = close;
    return end;
  }

  /** The first index from {@code i} that is not a \s other than '\n' (a line's end). */
  private static int skipBlanks(char[] text, int i, int length) {
    while (i < length && isBlank(text[i])) {
      i++;
    }
    return i;
  }

  /** Regex {@code \s} within a line: \s but not '\n'. */
  private static boolean isBlank(char c) {
    return c != '\n' && isSpace(c);
  }

  /** Whether "0x" starts at {@code k} (below {@code end}, which is a '('). */
  private static boolean hex(char[] text, int k, int end) {
    return k + 1 < end && text[k] == '0' && text[k + 1] == 'x';
  }

  /** Regex {@code \s}: [ \t\n\x0B\f\r]. */
  private static boolean isSpace(char c) {
    // one compare for the common case: every \s character is at most ' '
    return c <= ' ' && (c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f'
        || c == '\r');
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
