package io.traceroll.topology.collect;

import java.nio.ByteBuffer;

/**
 * The small fixed-size summary of one request, rewritten on every span instead of the spans
 * themselves: this is what keeps the work per span constant however large the request grows.
 *
 * <p>Two clocks are tracked side by side. Wall-clock fields ({@code *Wall}) close requests when
 * input stops (no record would ever advance stream time then); stream-time fields ({@code *Stream},
 * {@code *StoreTs}) close them consistently when a backlog is replayed faster than real time.
 *
 * @param part the number of the open part, or of the next one when no part is open
 * @param closed the request finished (idle or root ended): the next span opens a late part
 * @param late the open part was opened by a span that arrived after the request closed
 * @param spanCount spans in the open part; 0 means no part is open
 * @param bytes stored bytes of the open part's spans (what {@code max-bytes-per-part} caps)
 * @param firstStoreTs, lastStoreTs window-store timestamps of the part's spans: the fetch range
 * @param firstArrivalWall wall-clock time the part opened ({@code max-request-duration} runs from it)
 * @param lastArrivalWall, lastArrivalStream when the latest span arrived, on each clock
 * @param rootSeen a span without parent is in the part
 * @param rootEndNanos end of that root span
 * @param maxEndNanos latest end of any span in the part; past the root's end means work continued
 *     after the root returned (an asynchronous child), so the root-ended shortcut does not apply
 * @param wallDeadline, streamDeadline the deadline entries currently in the index (-1: none), so a
 *     stale entry is recognised and no duplicate is scheduled
 * @param closedAtWall wall-clock time the request closed (retention of the part counter runs from it)
 */
public record RequestState(
    int part,
    boolean closed,
    boolean late,
    int spanCount,
    long bytes,
    long firstStoreTs,
    long lastStoreTs,
    long firstArrivalWall,
    long firstArrivalStream,
    long lastArrivalWall,
    long lastArrivalStream,
    boolean rootSeen,
    long rootEndNanos,
    long maxEndNanos,
    long wallDeadline,
    long streamDeadline,
    long closedAtWall) {

  public static final long NONE = -1L;
  private static final byte VERSION = 1;
  static final int ENCODED_SIZE = 1 + 4 + 1 + 4 + 8 * 12;

  private static final int CLOSED = 1;
  private static final int LATE = 2;
  private static final int ROOT_SEEN = 4;

  /** A request seen for the first time: part 0, nothing open, nothing scheduled. */
  public static RequestState fresh() {
    return new RequestState(0, false, false, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, 0, NONE, NONE, NONE);
  }

  public boolean hasOpenPart() {
    return spanCount > 0;
  }

  /** This request with one more span in its open part (opening it if none is open). */
  public RequestState append(long storeTs, long wallNow, long streamNow, int spanBytes,
      boolean isRoot, long spanEndNanos) {
    return append(storeTs, wallNow, streamNow, spanBytes, 1, isRoot, spanEndNanos, spanEndNanos);
  }

  /**
   * This request with {@code spans} more spans in its open part, appended together (one chunk):
   * the same state as appending them one by one.
   *
   * @param anyRoot whether one of them is a root span
   * @param rootEnd the latest end of those root spans (ignored without one)
   * @param maxEnd the latest end of any of them
   */
  public RequestState append(long storeTs, long wallNow, long streamNow, int bytesAdded,
      int spans, boolean anyRoot, long rootEnd, long maxEnd) {
    boolean opening = spanCount == 0;
    boolean root = rootSeen || anyRoot;
    long rootEndNext = !anyRoot ? rootEndNanos : rootSeen ? Math.max(rootEndNanos, rootEnd)
        : rootEnd;
    return new RequestState(part, closed, opening ? closed : late, spanCount + spans,
        bytes + bytesAdded,
        opening ? storeTs : firstStoreTs, Math.max(opening ? storeTs : lastStoreTs, storeTs),
        opening ? wallNow : firstArrivalWall, opening ? streamNow : firstArrivalStream,
        wallNow, streamNow, root, rootEndNext,
        opening ? maxEnd : Math.max(maxEndNanos, maxEnd),
        wallDeadline, streamDeadline, closedAtWall);
  }

  /**
   * The state after the open part is sealed: the next part number, nothing open. A roll keeps the
   * request open; a close marks it closed so a later span is counted late.
   */
  public RequestState sealed(boolean closesRequest, long wallNow) {
    return new RequestState(part + 1, closesRequest || closed, false, 0, 0, 0, 0, 0, 0,
        lastArrivalWall, lastArrivalStream, false, 0, 0, wallDeadline, streamDeadline,
        closesRequest ? wallNow : closedAtWall);
  }

  public RequestState withDeadlines(long wall, long stream) {
    return new RequestState(part, closed, late, spanCount, bytes, firstStoreTs, lastStoreTs,
        firstArrivalWall, firstArrivalStream, lastArrivalWall, lastArrivalStream, rootSeen,
        rootEndNanos, maxEndNanos, wall, stream, closedAtWall);
  }

  /** True when the root ended and nothing in the part ran past it. */
  public boolean rootFinished() {
    return rootSeen && maxEndNanos <= rootEndNanos;
  }

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(ENCODED_SIZE);
    b.put(VERSION);
    b.putInt(part);
    b.put((byte) ((closed ? CLOSED : 0) | (late ? LATE : 0) | (rootSeen ? ROOT_SEEN : 0)));
    b.putInt(spanCount);
    b.putLong(bytes);
    b.putLong(firstStoreTs);
    b.putLong(lastStoreTs);
    b.putLong(firstArrivalWall);
    b.putLong(firstArrivalStream);
    b.putLong(lastArrivalWall);
    b.putLong(lastArrivalStream);
    b.putLong(rootEndNanos);
    b.putLong(maxEndNanos);
    b.putLong(wallDeadline);
    b.putLong(streamDeadline);
    b.putLong(closedAtWall);
    return b.array();
  }

  /**
   * @throws IllegalStateException for bytes not written by {@link #encode} (a corrupt or foreign
   *     changelog must stop the task loudly, never be misread as an empty request)
   */
  public static RequestState decode(byte[] bytes) {
    if (bytes.length != ENCODED_SIZE || bytes[0] != VERSION) {
      throw new IllegalStateException("not a request state: " + bytes.length + " bytes, version "
          + (bytes.length > 0 ? bytes[0] : -1));
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
    int part = b.getInt();
    int flags = b.get();
    int spanCount = b.getInt();
    long size = b.getLong();
    return new RequestState(part, (flags & CLOSED) != 0, (flags & LATE) != 0, spanCount, size,
        b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(),
        (flags & ROOT_SEEN) != 0, b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong());
  }
}
