package dev.runnel.persistence.record;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A batch of records: the unit of write, of producer idempotence and of indexing. The record at
 * offset {@code baseOffset + d} has offset delta {@code d}; a freshly built batch has deltas 0, 1,
 * 2, ..., while a compacted batch may have gaps but keeps its {@code lastOffsetDelta}.
 *
 * <p>Invariants, checked on construction: {@code baseOffset >= 0}; the records' offsets strictly
 * increase and lie in {@code [baseOffset, lastOffset()]}; {@code lastOffsetDelta >= recordCount() -
 * 1} (so an empty batch may have {@code lastOffsetDelta == -1}); {@code lastOffset()} does not
 * overflow; the producer fields are -1 ("none") or non-negative. Timestamps are not constrained:
 * the builder sets {@code firstTimestamp} to the first record's and {@code maxTimestamp} to the
 * largest record timestamp, and compaction keeps them when it removes records.
 *
 * <p>Immutable and thread-safe, given that nobody modifies the records' arrays (see {@link
 * Record}).
 *
 * @param baseOffset the offset of the batch's first offset slot
 * @param lastOffsetDelta the offset of the batch's last offset slot minus {@code baseOffset}
 * @param producerId the idempotent producer's id, or {@link #NO_PRODUCER_ID}
 * @param producerEpoch the producer's epoch, or {@link #NO_PRODUCER_EPOCH}
 * @param baseSequence the producer's sequence number of the first record, or {@link #NO_SEQUENCE}
 * @param firstTimestamp the timestamp the records' timestamp deltas are relative to, or {@link
 *     #NO_TIMESTAMP} for an empty batch
 * @param maxTimestamp the largest record timestamp, or {@link #NO_TIMESTAMP} for an empty batch
 * @param timestampType where the record timestamps come from
 * @param compression how the records are compressed when encoded
 * @param records the records, in offset order
 */
public record RecordBatch(
    long baseOffset,
    int lastOffsetDelta,
    long producerId,
    short producerEpoch,
    int baseSequence,
    long firstTimestamp,
    long maxTimestamp,
    TimestampType timestampType,
    CompressionCodec compression,
    List<Record> records) {

  public static final long NO_PRODUCER_ID = -1L;
  public static final short NO_PRODUCER_EPOCH = -1;
  public static final int NO_SEQUENCE = -1;

  /** The timestamps of an empty batch; not -1, because -1 is a valid time in 1969. */
  public static final long NO_TIMESTAMP = Long.MIN_VALUE;

  public RecordBatch {
    Objects.requireNonNull(timestampType, "timestampType");
    Objects.requireNonNull(compression, "compression");
    records = List.copyOf(records);
    String problem = invariantViolation(baseOffset, lastOffsetDelta, records.size());
    if (problem == null) {
      problem = producerViolation(producerId, producerEpoch, baseSequence);
    }
    if (problem != null) {
      throw new IllegalArgumentException("Invalid record batch: " + problem);
    }
    long previous = baseOffset - 1;
    long lastOffset = baseOffset + lastOffsetDelta;
    for (Record record : records) {
      if (record.offset() <= previous || record.offset() > lastOffset) {
        throw new IllegalArgumentException(
            "Invalid record batch: reason=record offset out of order or range, offset="
                + record.offset()
                + ", previousOffset="
                + previous
                + ", baseOffset="
                + baseOffset
                + ", lastOffset="
                + lastOffset);
      }
      previous = record.offset();
    }
  }

  /**
   * A builder for a batch whose records get offsets {@code baseOffset}, {@code baseOffset + 1}...
   */
  public static Builder builder(long baseOffset) {
    return new Builder(baseOffset);
  }

  /** The number of records (after compaction, fewer than the batch's offset slots). */
  public int recordCount() {
    return records.size();
  }

  /** The batch's last offset slot; {@code baseOffset - 1} for an empty fresh batch. */
  public long lastOffset() {
    return baseOffset + lastOffsetDelta;
  }

  /** This batch moved to another base offset, its records shifted with it. */
  public RecordBatch withBaseOffset(long newBaseOffset) {
    List<Record> moved = new ArrayList<>(records.size());
    for (Record record : records) {
      moved.add(record.withOffset(newBaseOffset + (record.offset() - baseOffset)));
    }
    return new RecordBatch(
        newBaseOffset,
        lastOffsetDelta,
        producerId,
        producerEpoch,
        baseSequence,
        firstTimestamp,
        maxTimestamp,
        timestampType,
        compression,
        moved);
  }

  /**
   * The violated offset invariant as {@code name=value} facts, or null. Shared with the decoder so
   * that a decoded header is held to exactly the rules a constructed batch is.
   */
  static String invariantViolation(long baseOffset, int lastOffsetDelta, int recordCount) {
    if (baseOffset < 0) {
      return "reason=negative base offset, baseOffset=" + baseOffset;
    }
    if (lastOffsetDelta < recordCount - 1 || lastOffsetDelta < -1) {
      return "reason=last offset delta too small, lastOffsetDelta="
          + lastOffsetDelta
          + ", recordCount="
          + recordCount;
    }
    if (lastOffsetDelta > 0 && baseOffset > Long.MAX_VALUE - lastOffsetDelta) {
      return "reason=last offset overflows, baseOffset="
          + baseOffset
          + ", lastOffsetDelta="
          + lastOffsetDelta;
    }
    return null;
  }

  /** The violated producer-field invariant as {@code name=value} facts, or null. */
  static String producerViolation(long producerId, short producerEpoch, int baseSequence) {
    if (producerId < NO_PRODUCER_ID
        || producerEpoch < NO_PRODUCER_EPOCH
        || baseSequence < NO_SEQUENCE) {
      return "reason=negative producer field, producerId="
          + producerId
          + ", producerEpoch="
          + producerEpoch
          + ", baseSequence="
          + baseSequence;
    }
    return null;
  }

  /**
   * Collects records, assigns them consecutive offsets and computes the batch timestamps. Not
   * thread-safe; build one batch per builder.
   */
  public static final class Builder {
    private final long baseOffset;
    private final List<Record> records = new ArrayList<>();
    private long producerId = NO_PRODUCER_ID;
    private short producerEpoch = NO_PRODUCER_EPOCH;
    private int baseSequence = NO_SEQUENCE;
    private TimestampType timestampType = TimestampType.CREATE_TIME;
    private CompressionCodec compression = CompressionCodec.NONE;
    private long maxTimestamp = NO_TIMESTAMP;

    private Builder(long baseOffset) {
      this.baseOffset = baseOffset;
    }

    /** Marks the batch as written by an idempotent producer. */
    public Builder producer(long producerId, short producerEpoch, int baseSequence) {
      this.producerId = producerId;
      this.producerEpoch = producerEpoch;
      this.baseSequence = baseSequence;
      return this;
    }

    /** Where the timestamps come from; {@link TimestampType#CREATE_TIME} unless set. */
    public Builder timestampType(TimestampType timestampType) {
      this.timestampType = Objects.requireNonNull(timestampType, "timestampType");
      return this;
    }

    /** How to compress the records when encoded; {@link CompressionCodec#NONE} unless set. */
    public Builder compression(CompressionCodec compression) {
      this.compression = Objects.requireNonNull(compression, "compression");
      return this;
    }

    /** Adds a record without headers at the next offset. */
    public Builder add(long timestamp, byte[] key, byte[] value) {
      return add(timestamp, key, value, List.of());
    }

    /** Adds a record at the next offset. */
    public Builder add(long timestamp, byte[] key, byte[] value, List<Header> headers) {
      records.add(new Record(baseOffset + records.size(), timestamp, key, value, headers));
      maxTimestamp = Math.max(maxTimestamp, timestamp);
      return this;
    }

    public RecordBatch build() {
      return new RecordBatch(
          baseOffset,
          records.size() - 1,
          producerId,
          producerEpoch,
          baseSequence,
          records.isEmpty() ? NO_TIMESTAMP : records.get(0).timestamp(),
          maxTimestamp,
          timestampType,
          compression,
          records);
    }
  }
}
