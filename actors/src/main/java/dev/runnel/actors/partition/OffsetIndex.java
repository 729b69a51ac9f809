package dev.runnel.actors.partition;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import scala.collection.immutable.Vector;
import scala.collection.immutable.Vector$;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The partition's sparse index: one {@link Entry} for the first retained batch and then one for the
 * first batch after each {@code indexIntervalBytes} of log, so that it stays small (about one entry
 * per interval of retained log). It serves three lookups by binary search: the journal sequence
 * number to start reading an offset at, where to start looking for a timestamp, and how far
 * retention may advance the log start.
 *
 * <p>Invariants: entries are in offset order; offsets, sequence numbers, positions and
 * max-timestamps-before all increase (the last one does not decrease); the first entry, when there
 * is one, is at the log start offset.
 *
 * <p>Immutable and thread-safe: a persistent vector (Scala's {@link Vector}) shares structure
 * between versions, so adding or dropping entries costs about O(1) and the state never needs a copy
 * of the whole index.
 */
final class OffsetIndex {

  /**
   * One index entry: a batch's position in the log.
   *
   * @param offset the batch's base offset
   * @param sequenceNr the journal sequence number of the batch's event
   * @param position the bytes of all batches appended before it since the partition began
   * @param maxTimestampBefore the largest record timestamp of all batches before it, {@link
   *     Long#MIN_VALUE} for none
   */
  record Entry(long offset, long sequenceNr, long position, long maxTimestampBefore) {}

  private static final OffsetIndex EMPTY = new OffsetIndex(Vector$.MODULE$.empty());

  private final Vector<Entry> entries;

  private OffsetIndex(Vector<Entry> entries) {
    this.entries = entries;
  }

  static OffsetIndex empty() {
    return EMPTY;
  }

  /** An index of the given entries, which must keep the invariants. */
  static OffsetIndex of(List<Entry> entries) {
    return new OffsetIndex(Vector.from(CollectionConverters.asScala(entries)));
  }

  int size() {
    return entries.length();
  }

  Entry get(int i) {
    return entries.apply(i);
  }

  /** The entries in offset order. */
  List<Entry> entries() {
    List<Entry> list = new ArrayList<>(size());
    for (int i = 0; i < size(); i++) {
      list.add(get(i));
    }
    return list;
  }

  /**
   * This index after a batch at {@code position} was appended: with an entry for it when the index
   * is empty or the last entry lies at least {@code intervalBytes} before it.
   */
  OffsetIndex withBatch(Entry batch, long intervalBytes) {
    int size = size();
    if (size > 0 && batch.position() - get(size - 1).position() < intervalBytes) {
      return this;
    }
    @SuppressWarnings("unchecked") // Scala's :+ of an Entry to a Vector<Entry> is a Vector<Entry>
    Vector<Entry> appended = (Vector<Entry>) entries.$colon$plus(batch);
    return new OffsetIndex(appended);
  }

  /** This index without the entries below {@code offset}. */
  OffsetIndex dropBelow(long offset) {
    int below = prefixLength(entry -> entry.offset() < offset);
    return below == 0 ? this : new OffsetIndex(entries.drop(below));
  }

  /** The last entry at or below {@code offset}, or null when there is none. */
  Entry floor(long offset) {
    int atOrBelow = prefixLength(entry -> entry.offset() <= offset);
    return atOrBelow == 0 ? null : get(atOrBelow - 1);
  }

  /**
   * The entry to start a search for the first record at or after {@code timestamp} from: the last
   * one before which every record is older, or the first entry; null when the index is empty.
   */
  Entry searchStart(long timestamp) {
    if (size() == 0) {
      return null;
    }
    int older = prefixLength(entry -> entry.maxTimestampBefore() < timestamp);
    return get(Math.max(older - 1, 0));
  }

  /**
   * The offset of the last entry before which every record is older than {@code cutoff}: time
   * retention may move the log start there. -1 when there is none.
   */
  long retentionStartByTime(long cutoff) {
    int older = prefixLength(entry -> entry.maxTimestampBefore() < cutoff);
    return older == 0 ? -1 : get(older - 1).offset();
  }

  /**
   * The offset of the last entry from which at least {@code retentionBytes} of log remain, given
   * the log's end {@code endPosition}: size retention may move the log start there. -1 when there
   * is none.
   */
  long retentionStartBySize(long endPosition, long retentionBytes) {
    int enough = prefixLength(entry -> endPosition - entry.position() >= retentionBytes);
    return enough == 0 ? -1 : get(enough - 1).offset();
  }

  /**
   * By binary search, how many leading entries {@code holds} is true for; it must be true for a
   * prefix of the entries and false for the rest, which every lookup above is, the entries' fields
   * growing with the offset.
   */
  private int prefixLength(Predicate<Entry> holds) {
    int lo = 0;
    int hi = size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (holds.test(get(mid))) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof OffsetIndex that && entries.equals(that.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return "OffsetIndex[size=" + size() + "]";
  }
}
