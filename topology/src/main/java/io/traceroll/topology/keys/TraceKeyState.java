package io.traceroll.topology.keys;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What is known about one trace id's correlation key: either resolved (the key, kept for the
 * request retention so later spans join the same request) or pending (spans held in the pending
 * store while no span of the trace carried the key yet).
 *
 * @param key the resolved key, or null while pending
 * @param fellBack resolved to the trace id itself because no span carried a key in time
 * @param pendingCount spans held; {@code firstPendingTs}/{@code lastPendingTs} are their store
 *     timestamps (the fetch range when they are released)
 * @param wallDeadline, streamDeadline scheduled deadline entries (-1: none), to recognise stale ones
 */
record TraceKeyState(
    String key,
    boolean fellBack,
    int pendingCount,
    long firstPendingTs,
    long lastPendingTs,
    long firstPendingWall,
    long firstPendingStream,
    long lastPendingWall,
    long lastPendingStream,
    long wallDeadline,
    long streamDeadline) {

  static final long NONE = -1L;
  private static final byte VERSION = 1;

  static TraceKeyState pending() {
    return new TraceKeyState(null, false, 0, 0, 0, 0, 0, 0, 0, NONE, NONE);
  }

  static TraceKeyState resolved(String key, boolean fellBack, long expiryWall) {
    return new TraceKeyState(key, fellBack, 0, 0, 0, 0, 0, 0, 0, expiryWall, NONE);
  }

  boolean isResolved() {
    return key != null;
  }

  TraceKeyState hold(long storeTs, long wall, long stream) {
    boolean first = pendingCount == 0;
    return new TraceKeyState(null, false, pendingCount + 1, first ? storeTs : firstPendingTs,
        Math.max(storeTs, lastPendingTs), first ? wall : firstPendingWall,
        first ? stream : firstPendingStream, wall, stream, wallDeadline, streamDeadline);
  }

  TraceKeyState withDeadlines(long wall, long stream) {
    return new TraceKeyState(key, fellBack, pendingCount, firstPendingTs, lastPendingTs,
        firstPendingWall, firstPendingStream, lastPendingWall, lastPendingStream, wall, stream);
  }

  byte[] encode() {
    byte[] k = key == null ? new byte[0] : key.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + 1 + 4 + 8 * 8 + 4 + k.length);
    b.put(VERSION);
    b.put((byte) ((key != null ? 1 : 0) | (fellBack ? 2 : 0)));
    b.putInt(pendingCount);
    b.putLong(firstPendingTs).putLong(lastPendingTs).putLong(firstPendingWall)
        .putLong(firstPendingStream).putLong(lastPendingWall).putLong(lastPendingStream)
        .putLong(wallDeadline).putLong(streamDeadline);
    b.putInt(k.length).put(k);
    return b.array();
  }

  /** @throws IllegalStateException for bytes {@link #encode} did not write */
  static TraceKeyState decode(byte[] bytes) {
    if (bytes.length < 1 + 1 + 4 + 64 + 4 || bytes[0] != VERSION) {
      throw new IllegalStateException("not a trace key state: " + bytes.length + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
    int flags = b.get();
    int count = b.getInt();
    long[] v = new long[8];
    for (int i = 0; i < 8; i++) {
      v[i] = b.getLong();
    }
    int len = b.getInt();
    String key = (flags & 1) != 0
        ? new String(bytes, b.position(), len, StandardCharsets.UTF_8) : null;
    return new TraceKeyState(key, (flags & 2) != 0, count, v[0], v[1], v[2], v[3], v[4], v[5],
        v[6], v[7]);
  }
}
