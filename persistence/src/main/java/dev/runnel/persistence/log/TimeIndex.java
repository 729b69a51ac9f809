package dev.runnel.persistence.log;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The sparse time index of one segment. At each point where the {@link SequenceIndex} gets an
 * entry, and only if the largest timestamp of the entries before that point grew since the last
 * time-index entry, it records that timestamp with the point's relative sequence number: "every
 * entry before this sequence number has a timestamp at most this". The file ({@code
 * <base>.timeindex}), big-endian:
 *
 * <pre>
 * offset size field
 *      0    8 timestamp          int64: largest entry timestamp before the point, epoch millis
 *      8    4 relativeSequenceNr int32: the point's first sequence nr - segment base, > 0
 * </pre>
 *
 * <p>Invariants: both columns strictly increase and every relative sequence number is also in the
 * segment's sequence index. So a lookup for "first entry with timestamp >= t" may start scanning at
 * the last time-index entry below t, and the segment's largest timestamp is the larger of the last
 * time-index entry and the entries after the last sequence-index point.
 *
 * <p>Thread-safety: as {@link SequenceIndex}, one writer and readers through a volatile count.
 */
final class TimeIndex {

  static final int ENTRY_BYTES = 12;

  private volatile long[] timestamps;
  private volatile int[] relativeSequenceNrs;
  private volatile int count;
  private int flushed;

  TimeIndex() {
    this(new long[16], new int[16], 0);
  }

  private TimeIndex(long[] timestamps, int[] relativeSequenceNrs, int count) {
    this.timestamps = timestamps;
    this.relativeSequenceNrs = relativeSequenceNrs;
    this.count = count;
  }

  /**
   * Decodes an index file's bytes, or returns null when they are inconsistent with themselves or
   * with the segment's sequence index.
   */
  static TimeIndex decode(ByteBuffer bytes, SequenceIndex sequenceIndex) {
    if (bytes.remaining() % ENTRY_BYTES != 0) {
      return null;
    }
    int n = bytes.remaining() / ENTRY_BYTES;
    long[] times = new long[Math.max(16, n)];
    int[] relative = new int[Math.max(16, n)];
    long previousTime = Long.MIN_VALUE;
    int previousRelative = 0;
    for (int i = 0; i < n; i++) {
      long t = bytes.getLong();
      int r = bytes.getInt();
      if (t <= previousTime || r <= previousRelative || sequenceIndex.indexOf(r) < 0) {
        return null;
      }
      times[i] = t;
      relative[i] = r;
      previousTime = t;
      previousRelative = r;
    }
    TimeIndex index = new TimeIndex(times, relative, n);
    index.flushed = n;
    return index;
  }

  void append(long timestamp, int relativeSequenceNr) {
    int n = count;
    if (n == timestamps.length) {
      timestamps = Arrays.copyOf(timestamps, n * 2);
      relativeSequenceNrs = Arrays.copyOf(relativeSequenceNrs, n * 2);
    }
    timestamps[n] = timestamp;
    relativeSequenceNrs[n] = relativeSequenceNr;
    count = n + 1;
  }

  int count() {
    return count;
  }

  /** The last indexed timestamp, or {@link Long#MIN_VALUE} when empty. */
  long lastTimestamp() {
    int n = count;
    return n == 0 ? Long.MIN_VALUE : timestamps[n - 1];
  }

  /**
   * The relative sequence nr from which to scan for the first entry with timestamp >= {@code
   * timestamp}: every entry before it is older. 0 when the scan must start at the segment's base.
   */
  int scanStart(long timestamp) {
    int n = count;
    long[] times = timestamps;
    int[] relative = relativeSequenceNrs;
    int low = 0;
    int high = n - 1;
    int found = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (times[mid] < timestamp) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found < 0 ? 0 : relative[found];
  }

  /** Drops entries from {@code newCount} on; the file must be cut to {@link #flushedBytes()}. */
  void truncate(int newCount) {
    count = Math.min(count, newCount);
    flushed = Math.min(flushed, newCount);
  }

  long flushedBytes() {
    return (long) flushed * ENTRY_BYTES;
  }

  /** The entries not yet in the file, encoded; marks them flushed. */
  ByteBuffer unflushed() {
    int n = count;
    ByteBuffer bytes = ByteBuffer.allocate((n - flushed) * ENTRY_BYTES);
    for (int i = flushed; i < n; i++) {
      bytes.putLong(timestamps[i]).putInt(relativeSequenceNrs[i]);
    }
    flushed = n;
    return bytes.flip();
  }
}
