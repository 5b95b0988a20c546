package io.traceroll.topology.collect;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Deadlines ordered by time, so a punctuator visits only what is due: a range scan from the start
 * of one clock's section up to "now", never a walk over every open request.
 *
 * <p>Key layout: one byte for the clock (wall or stream), the deadline as 8 big-endian bytes (times
 * are never negative here, so unsigned byte order is time order), then the UTF-8 subject key. An
 * entry is only a wake-up call: the subject's own state decides what is actually due, so an entry
 * that became stale (the request got more spans) costs one lookup and is dropped.
 */
public final class DeadlineIndex {

  /** Which clock a deadline is on. */
  public enum Clock {
    WALL((byte) 'w'), STREAM((byte) 's');

    final byte tag;

    Clock(byte tag) {
      this.tag = tag;
    }
  }

  /** A due entry: the subject and the deadline it was scheduled for. */
  public record Due(Bytes entry, String subject, long deadline) {}

  private static final byte[] PRESENT = {1};

  private final KeyValueStore<Bytes, byte[]> store;

  public DeadlineIndex(KeyValueStore<Bytes, byte[]> store) {
    this.store = store;
  }

  public void schedule(Clock clock, long deadline, String subject) {
    store.put(key(clock, deadline, subject), PRESENT);
  }

  public void cancel(Clock clock, long deadline, String subject) {
    store.delete(key(clock, deadline, subject));
  }

  public void remove(Due due) {
    store.delete(due.entry());
  }

  /**
   * Up to {@code limit} entries due at {@code now} on {@code clock}, earliest first. Collected
   * before the caller acts so that its writes never race the open iterator; the limit keeps one
   * punctuation short after a long outage (the rest is due at the next one).
   */
  public List<Due> due(Clock clock, long now, int limit) {
    List<Due> due = new ArrayList<>();
    if (now < 0) {
      return due;
    }
    Bytes from = Bytes.wrap(new byte[] {clock.tag});
    byte[] to = new byte[10];
    writeHead(to, clock, now);
    to[9] = (byte) 0xff; // above every UTF-8 subject byte
    try (KeyValueIterator<Bytes, byte[]> it = store.range(from, Bytes.wrap(to))) {
      while (it.hasNext() && due.size() < limit) {
        Bytes k = it.next().key;
        byte[] b = k.get();
        long deadline = 0;
        for (int i = 1; i < 9; i++) {
          deadline = deadline << 8 | (b[i] & 0xff);
        }
        due.add(new Due(k, new String(b, 9, b.length - 9, StandardCharsets.UTF_8), deadline));
      }
    }
    return due;
  }

  static Bytes key(Clock clock, long deadline, String subject) {
    byte[] s = subject.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[9 + s.length];
    writeHead(out, clock, Math.max(0, deadline));
    System.arraycopy(s, 0, out, 9, s.length);
    return Bytes.wrap(out);
  }

  private static void writeHead(byte[] out, Clock clock, long deadline) {
    out[0] = clock.tag;
    for (int i = 0; i < 8; i++) {
      out[1 + i] = (byte) (deadline >>> (56 - 8 * i));
    }
  }
}
