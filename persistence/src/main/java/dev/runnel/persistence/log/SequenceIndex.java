package dev.runnel.persistence.log;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The sparse sequence index of one segment: one entry every {@code indexIntervalBytes} of log,
 * mapping the first sequence number of an entry to its position in the segment. The file ({@code
 * <base>.index}) is the in-memory arrays appended back to back, big-endian:
 *
 * <pre>
 * offset size field
 *      0    4 relativeSequenceNr int32: entry's firstSequenceNr - segment base, > 0
 *      4    4 position           int32: the entry's byte position in the segment, > 0
 * </pre>
 *
 * <p>Invariants: both columns strictly increase; positions lie inside the segment; the entry at the
 * last position starts at base + last relative sequence number. The first entry of a segment is
 * never indexed (it is the base at position 0).
 *
 * <p>Thread-safety: one writer (the segment's writer, under the log's lock) and any number of
 * readers. The writer stores an element before it publishes the new count through a volatile write,
 * and replaces a grown array before that, so a reader that reads the count first sees every element
 * below it.
 */
final class SequenceIndex {

  static final int ENTRY_BYTES = 8;

  private volatile int[] relativeSequenceNrs;
  private volatile int[] positions;
  private volatile int count;
  private int flushed;

  SequenceIndex() {
    this(new int[16], new int[16], 0);
  }

  private SequenceIndex(int[] relativeSequenceNrs, int[] positions, int count) {
    this.relativeSequenceNrs = relativeSequenceNrs;
    this.positions = positions;
    this.count = count;
  }

  /**
   * Decodes an index file's bytes, or returns null when they are inconsistent: a size not a
   * multiple of {@link #ENTRY_BYTES}, non-increasing columns or a position outside {@code
   * segmentBytes}.
   */
  static SequenceIndex decode(ByteBuffer bytes, long segmentBytes) {
    if (bytes.remaining() % ENTRY_BYTES != 0) {
      return null;
    }
    int n = bytes.remaining() / ENTRY_BYTES;
    int[] relative = new int[Math.max(16, n)];
    int[] position = new int[Math.max(16, n)];
    int previousRelative = 0;
    int previousPosition = 0;
    for (int i = 0; i < n; i++) {
      int r = bytes.getInt();
      int p = bytes.getInt();
      if (r <= previousRelative || p <= previousPosition || p >= segmentBytes) {
        return null;
      }
      relative[i] = r;
      position[i] = p;
      previousRelative = r;
      previousPosition = p;
    }
    SequenceIndex index = new SequenceIndex(relative, position, n);
    index.flushed = n;
    return index;
  }

  void append(int relativeSequenceNr, int position) {
    int n = count;
    if (n == positions.length) {
      relativeSequenceNrs = Arrays.copyOf(relativeSequenceNrs, n * 2);
      positions = Arrays.copyOf(positions, n * 2);
    }
    relativeSequenceNrs[n] = relativeSequenceNr;
    positions[n] = position;
    count = n + 1;
  }

  int count() {
    return count;
  }

  int relativeSequenceNr(int i) {
    return relativeSequenceNrs[i];
  }

  int position(int i) {
    return positions[i];
  }

  /** Position of the last indexed entry starting at or below the relative sequence nr, or 0. */
  int floorPosition(long relativeSequenceNr) {
    int n = count;
    int[] relative = relativeSequenceNrs;
    int[] position = positions;
    int low = 0;
    int high = n - 1;
    int found = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (relative[mid] <= relativeSequenceNr) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found < 0 ? 0 : position[found];
  }

  /** Index of the entry with exactly this relative sequence nr, or -1. */
  int indexOf(int relativeSequenceNr) {
    int found = Arrays.binarySearch(relativeSequenceNrs, 0, count, relativeSequenceNr);
    return found < 0 ? -1 : found;
  }

  /** Drops entries from {@code newCount} on; the file must be cut to {@link #flushedBytes()}. */
  void truncate(int newCount) {
    count = Math.min(count, newCount);
    flushed = Math.min(flushed, newCount);
  }

  /** Bytes of the file that hold current entries. */
  long flushedBytes() {
    return (long) flushed * ENTRY_BYTES;
  }

  /** The entries not yet in the file, encoded; marks them flushed. */
  ByteBuffer unflushed() {
    int n = count;
    ByteBuffer bytes = ByteBuffer.allocate((n - flushed) * ENTRY_BYTES);
    for (int i = flushed; i < n; i++) {
      bytes.putInt(relativeSequenceNrs[i]).putInt(positions[i]);
    }
    flushed = n;
    return bytes.flip();
  }
}
