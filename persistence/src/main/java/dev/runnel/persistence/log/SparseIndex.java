package dev.runnel.persistence.log;

import java.nio.ByteBuffer;
import java.util.function.IntPredicate;

/**
 * What a segment's sparse indexes share: fixed-size entries held in growable in-memory columns, one
 * array per field; a file that is those entries back to back, big-endian, with no header; loading
 * that file back with a consistency check; and appending to it only the entries it does not hold
 * yet. Each subclass owns its columns and documents its entry layout.
 *
 * <p>Invariants: entries {@code [0, count)} are valid and sorted by the subclass's key; the file
 * holds exactly entries {@code [0, flushed)}, with {@code flushed <= count}.
 *
 * <p>Thread-safety: one writer (the segment's writer, under the log's lock) and any number of
 * readers. The writer replaces a grown column, then stores the entry, before it publishes the new
 * count through a volatile write, so a reader that reads {@link #count()} first sees every entry
 * below it. The subclasses' column fields are volatile for the same reason.
 */
abstract class SparseIndex {

  /** Entries the columns of a new index hold before they first grow. */
  static final int INITIAL_CAPACITY = 16;

  private final int entryBytes;
  private volatile int count;
  private int flushed;

  SparseIndex(int entryBytes) {
    this.entryBytes = entryBytes;
  }

  /** The length of the columns. */
  abstract int capacity();

  /** Replaces every column with a copy of the given length. */
  abstract void resize(int capacity);

  /** Reads one entry in its file layout into {@code slot}. */
  abstract void read(ByteBuffer bytes, int slot);

  /** Writes the entry in {@code slot} in its file layout. */
  abstract void write(ByteBuffer bytes, int slot);

  /**
   * Whether the entry in {@code slot} lies before {@code target} in the subclass's order; true for
   * a prefix of the entries, since they are sorted.
   */
  abstract boolean before(int slot, long target);

  /**
   * Fills this new, empty index from its file's bytes. False, leaving the index unusable, if the
   * size is not a whole number of entries or {@code consistent} rejects an entry; it is called for
   * each slot once that slot is read, with every slot below it already in place.
   */
  final boolean load(ByteBuffer bytes, IntPredicate consistent) {
    if (bytes.remaining() % entryBytes != 0) {
      return false;
    }
    int n = bytes.remaining() / entryBytes;
    if (n > capacity()) {
      resize(n);
    }
    for (int slot = 0; slot < n; slot++) {
      read(bytes, slot);
      if (!consistent.test(slot)) {
        return false;
      }
    }
    count = n;
    flushed = n;
    return true;
  }

  /** The slot for the next entry, after growing the columns if they are full. */
  final int nextSlot() {
    int n = count;
    if (n == capacity()) {
      resize(n * 2);
    }
    return n;
  }

  /** Makes the entry just stored in {@code slot}, as {@link #nextSlot} gave it, visible. */
  final void publish(int slot) {
    count = slot + 1;
  }

  final int count() {
    return count;
  }

  /** The last slot whose entry lies {@link #before} {@code target}, or -1: a binary search. */
  final int lastSlotBefore(long target) {
    int low = 0;
    int high = count - 1;
    int found = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (before(mid, target)) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  /** Drops entries from {@code newCount} on; the file must be cut to {@link #flushedBytes()}. */
  final void truncate(int newCount) {
    count = Math.min(count, newCount);
    flushed = Math.min(flushed, newCount);
  }

  /** Bytes of the file that hold current entries. */
  final long flushedBytes() {
    return (long) flushed * entryBytes;
  }

  /** The entries not yet in the file, encoded; marks them flushed. */
  final ByteBuffer unflushed() {
    int n = count;
    ByteBuffer bytes = ByteBuffer.allocate((n - flushed) * entryBytes);
    for (int slot = flushed; slot < n; slot++) {
      write(bytes, slot);
    }
    flushed = n;
    return bytes.flip();
  }
}
