package dev.runnel.actors.partition;

import dev.runnel.persistence.record.RecordBatch;
import dev.runnel.persistence.record.RecordBatchCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One record batch as the partition stored it: the bytes {@link RecordBatchCodec} encoded, with the
 * offsets the partition assigned. It is the partition's journal event and the element of a reader's
 * stream; {@link StoredBatchSerializer} writes its bytes as they are.
 *
 * <p>Immutable: it owns its array, which nobody writes once the batch exists. The header fields it
 * exposes are read from the bytes once, on construction.
 */
public final class StoredBatch implements PartitionEvent {

  private static final RecordBatchCodec CODEC = new RecordBatchCodec();

  private final byte[] bytes;
  private final long baseOffset;
  private final long lastOffset;
  private final long maxTimestamp;

  /**
   * A stored batch over the given bytes, which the new instance owns.
   *
   * @throws dev.runnel.persistence.record.CorruptRecordBatchException if the bytes are too short
   *     for a batch header
   */
  StoredBatch(byte[] bytes) {
    this.bytes = bytes;
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    this.baseOffset = RecordBatchCodec.baseOffset(buffer);
    this.lastOffset = RecordBatchCodec.lastOffset(buffer);
    this.maxTimestamp = RecordBatchCodec.maxTimestamp(buffer);
  }

  /** The encoded batch, as a read-only view positioned at its first byte. */
  public ByteBuffer buffer() {
    return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
  }

  /** The offset of the batch's first offset slot. */
  public long baseOffset() {
    return baseOffset;
  }

  /** The offset of the batch's last offset slot. */
  public long lastOffset() {
    return lastOffset;
  }

  /** The largest record timestamp of the batch (its log append time under LogAppendTime). */
  public long maxTimestamp() {
    return maxTimestamp;
  }

  /** The size of the encoded batch in bytes. */
  public int sizeInBytes() {
    return bytes.length;
  }

  /** The producer id in the header, {@link RecordBatch#NO_PRODUCER_ID} when not idempotent. */
  public long producerId() {
    return RecordBatchCodec.producerId(ByteBuffer.wrap(bytes));
  }

  /** The producer epoch in the header. */
  public short producerEpoch() {
    return RecordBatchCodec.producerEpoch(ByteBuffer.wrap(bytes));
  }

  /** The producer's sequence number of the first record. */
  public int baseSequence() {
    return RecordBatchCodec.baseSequence(ByteBuffer.wrap(bytes));
  }

  /** The offset slots of the batch minus one: the producer's last sequence is base + this. */
  int lastOffsetDelta() {
    return (int) (lastOffset - baseOffset);
  }

  /**
   * Decodes the batch with its records.
   *
   * @throws dev.runnel.persistence.record.CorruptRecordBatchException if the bytes are damaged
   */
  public RecordBatch decode() {
    return CODEC.decode(ByteBuffer.wrap(bytes));
  }

  /** The array itself, for the serializer; nobody may write into it. */
  byte[] bytes() {
    return bytes;
  }

  /** Batches are equal when their bytes are. */
  @Override
  public boolean equals(Object other) {
    return other instanceof StoredBatch that && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "StoredBatch[baseOffset="
        + baseOffset
        + ", lastOffset="
        + lastOffset
        + ", bytes="
        + bytes.length
        + "]";
  }
}
