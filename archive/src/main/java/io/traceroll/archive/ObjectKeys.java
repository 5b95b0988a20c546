package io.traceroll.archive;

/**
 * The object keys every store accepts. {@link ArchiveLayout} only produces such keys; stores check
 * again because a store is the last line before a file system or bucket.
 */
public final class ObjectKeys {

  /** S3's limit on key length, in UTF-8 bytes; our keys are ASCII. */
  public static final int MAX_KEY_BYTES = 1024;

  private ObjectKeys() {}

  /**
   * Checks one object key: non-empty ASCII-printable segments separated by single {@code /}, none
   * starting with {@code .} (which also excludes {@code .}, {@code ..} and the stores' own temp
   * files), no backslash, at most {@value #MAX_KEY_BYTES} characters.
   *
   * @return the key
   * @throws IllegalArgumentException naming what is wrong
   */
  public static String validate(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("object key is empty");
    }
    if (key.length() > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("object key longer than " + MAX_KEY_BYTES + " bytes");
    }
    boolean segmentStart = true;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7E || c == '\\') {
        throw new IllegalArgumentException("object key has a forbidden character at " + i);
      }
      if (segmentStart && (c == '/' || c == '.')) {
        throw new IllegalArgumentException(
            "object key has an empty segment or one starting with '.' at " + i);
      }
      segmentStart = c == '/';
    }
    if (segmentStart) {
      throw new IllegalArgumentException("object key ends with '/'");
    }
    return key;
  }
}
