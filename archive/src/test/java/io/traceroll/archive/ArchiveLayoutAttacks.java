package io.traceroll.archive;

import java.util.List;

/** Shared hostile trace keys for the layout and both store tests. */
public final class ArchiveLayoutAttacks {
  public static final List<String> KEYS = ArchiveLayoutTest.ATTACKS;

  private ArchiveLayoutAttacks() {}
}
