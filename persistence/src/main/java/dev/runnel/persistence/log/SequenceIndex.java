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
 * <p>Thread-safety: one writer and any number of readers, as {@link SparseIndex} describes.
 */
final class SequenceIndex extends SparseIndex {

  static final int ENTRY_BYTES = 8;

  private volatile int[] relativeSequenceNrs = new int[INITIAL_CAPACITY];
  private volatile int[] positions = new int[INITIAL_CAPACITY];

  SequenceIndex() {
    super(ENTRY_BYTES);
  }

  /**
   * Decodes an index file's bytes, or returns null when they are inconsistent: a size not a
   * multiple of {@link #ENTRY_BYTES}, non-increasing columns or a position outside {@code
   * segmentBytes}.
   */
  static SequenceIndex decode(ByteBuffer bytes, long segmentBytes) {
    SequenceIndex index = new SequenceIndex();
    return index.load(bytes, slot -> index.consistent(slot, segmentBytes)) ? index : null;
  }

  private boolean consistent(int slot, long segmentBytes) {
    int previousRelative = slot == 0 ? 0 : relativeSequenceNrs[slot - 1];
    int previousPosition = slot == 0 ? 0 : positions[slot - 1];
    return relativeSequenceNrs[slot] > previousRelative
        && positions[slot] > previousPosition
        && positions[slot] < segmentBytes;
  }

  void append(int relativeSequenceNr, int position) {
    int slot = nextSlot();
    relativeSequenceNrs[slot] = relativeSequenceNr;
    positions[slot] = position;
    publish(slot);
  }

  int relativeSequenceNr(int i) {
    return relativeSequenceNrs[i];
  }

  int position(int i) {
    return positions[i];
  }

  /** Position of the last indexed entry starting at or below the relative sequence nr, or 0. */
  int floorPosition(long relativeSequenceNr) {
    int slot = lastSlotBefore(relativeSequenceNr);
    return slot < 0 ? 0 : positions[slot];
  }

  /** Index of the entry with exactly this relative sequence nr, or -1. */
  int indexOf(int relativeSequenceNr) {
    int found = Arrays.binarySearch(relativeSequenceNrs, 0, count(), relativeSequenceNr);
    return found < 0 ? -1 : found;
  }

  /** At or below: the entry starting at the target is the one to scan from. */
  @Override
  boolean before(int slot, long relativeSequenceNr) {
    return relativeSequenceNrs[slot] <= relativeSequenceNr;
  }

  @Override
  int capacity() {
    return positions.length;
  }

  @Override
  void resize(int capacity) {
    relativeSequenceNrs = Arrays.copyOf(relativeSequenceNrs, capacity);
    positions = Arrays.copyOf(positions, capacity);
  }

  @Override
  void read(ByteBuffer bytes, int slot) {
    relativeSequenceNrs[slot] = bytes.getInt();
    positions[slot] = bytes.getInt();
  }

  @Override
  void write(ByteBuffer bytes, int slot) {
    bytes.putInt(relativeSequenceNrs[slot]).putInt(positions[slot]);
  }
}
