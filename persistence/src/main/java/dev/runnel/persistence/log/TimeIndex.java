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
 * <p>Thread-safety: one writer and any number of readers, as {@link SparseIndex} describes.
 */
final class TimeIndex extends SparseIndex {

  static final int ENTRY_BYTES = 12;

  private volatile long[] timestamps = new long[INITIAL_CAPACITY];
  private volatile int[] relativeSequenceNrs = new int[INITIAL_CAPACITY];

  TimeIndex() {
    super(ENTRY_BYTES);
  }

  /**
   * Decodes an index file's bytes, or returns null when they are inconsistent with themselves or
   * with the segment's sequence index.
   */
  static TimeIndex decode(ByteBuffer bytes, SequenceIndex sequenceIndex) {
    TimeIndex index = new TimeIndex();
    return index.load(bytes, slot -> index.consistent(slot, sequenceIndex)) ? index : null;
  }

  private boolean consistent(int slot, SequenceIndex sequenceIndex) {
    long previousTime = slot == 0 ? Long.MIN_VALUE : timestamps[slot - 1];
    int previousRelative = slot == 0 ? 0 : relativeSequenceNrs[slot - 1];
    return timestamps[slot] > previousTime
        && relativeSequenceNrs[slot] > previousRelative
        && sequenceIndex.indexOf(relativeSequenceNrs[slot]) >= 0;
  }

  void append(long timestamp, int relativeSequenceNr) {
    int slot = nextSlot();
    timestamps[slot] = timestamp;
    relativeSequenceNrs[slot] = relativeSequenceNr;
    publish(slot);
  }

  /** The last indexed timestamp, or {@link Long#MIN_VALUE} when empty. */
  long lastTimestamp() {
    int n = count();
    return n == 0 ? Long.MIN_VALUE : timestamps[n - 1];
  }

  /**
   * The relative sequence nr from which to scan for the first entry with timestamp >= {@code
   * timestamp}: every entry before it is older. 0 when the scan must start at the segment's base.
   */
  int scanStart(long timestamp) {
    int slot = lastSlotBefore(timestamp);
    return slot < 0 ? 0 : relativeSequenceNrs[slot];
  }

  /** Strictly older: entries before such a point may all be skipped. */
  @Override
  boolean before(int slot, long timestamp) {
    return timestamps[slot] < timestamp;
  }

  @Override
  int capacity() {
    return timestamps.length;
  }

  @Override
  void resize(int capacity) {
    timestamps = Arrays.copyOf(timestamps, capacity);
    relativeSequenceNrs = Arrays.copyOf(relativeSequenceNrs, capacity);
  }

  @Override
  void read(ByteBuffer bytes, int slot) {
    timestamps[slot] = bytes.getLong();
    relativeSequenceNrs[slot] = bytes.getInt();
  }

  @Override
  void write(ByteBuffer bytes, int slot) {
    bytes.putLong(timestamps[slot]).putInt(relativeSequenceNrs[slot]);
  }
}
