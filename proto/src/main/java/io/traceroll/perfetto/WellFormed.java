package io.traceroll.perfetto;

/**
 * Replaces unpaired UTF-16 surrogates (which JSON escapes like {@code "\ud800"} can produce) by
 * U+FFFD before a string reaches the wire. Protobuf would otherwise encode them as '?' and log a
 * WARNING with a stack trace per string: log spam driven by untrusted input.
 */
final class WellFormed {
  private WellFormed() {}

  static String utf16(String s) {
    if (s == null) {
      return null;
    }
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return repair(s);
      }
    }
    return s;
  }

  private static String repair(String s) {
    StringBuilder b = new StringBuilder(s.length());
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        b.append('\uFFFD');
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
