package dev.runnel.actors.partition;

import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.topic.TopicConfig;
import dev.runnel.persistence.record.BatchCompaction;
import dev.runnel.persistence.record.CompressionCodec;
import dev.runnel.persistence.record.CorruptRecordBatchException;
import dev.runnel.persistence.record.Record;
import dev.runnel.persistence.record.RecordBatch;
import dev.runnel.persistence.record.RecordBatchCodec;
import dev.runnel.persistence.record.TimestampType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A producer's batch checked on receipt and brought into the form its topic stores, ready for
 * offsets: what a partition holds between an append's arrival and its group-committed write.
 *
 * <p>The checks, in order: size against {@code max.message.bytes} and the partition's largest write
 * ({@code RECORD_TOO_LARGE}); the codec's validation ({@code CORRUPT_MESSAGE}); one whole batch,
 * base offset 0, at least one record, complete producer fields ({@code INVALID_REQUEST}); on a
 * compacted topic, a key on every record ({@code INVALID_RECORD}, Kafka's "Compacted topic cannot
 * accept message without key"). The batch is re-encoded only when the topic demands it: {@code
 * message.timestamp.type = LogAppendTime} (every record gets the append time) or a {@code
 * compression.type} other than {@code producer} that the batch does not already have. Otherwise its
 * bytes are copied once, so that assigning the base offset never writes into the sender's array.
 *
 * @param bytes the batch to store, owned by this instance; its base offset is set when written
 * @param producerId the idempotent producer's id, or {@link RecordBatch#NO_PRODUCER_ID}
 * @param producerEpoch the producer's epoch
 * @param firstSequence the producer's sequence number of the first record
 * @param lastSequence the producer's sequence number of the last offset slot
 * @param logAppendTime the time stamped on the records under LogAppendTime, otherwise -1
 */
record IncomingBatch(
    byte[] bytes,
    long producerId,
    short producerEpoch,
    int firstSequence,
    int lastSequence,
    long logAppendTime) {

  private static final RecordBatchCodec CODEC = new RecordBatchCodec();

  /** Why a batch was refused. */
  record Refusal(ErrorCode code, String message) {}

  /** A checked batch or the reason it was refused: exactly one of the two is set. */
  record Checked(IncomingBatch batch, Refusal refusal) {}

  boolean idempotent() {
    return producerId != RecordBatch.NO_PRODUCER_ID;
  }

  /**
   * Checks and prepares a batch for a topic.
   *
   * @param maxWriteBytes the partition's largest write; no batch may be larger
   * @param now the time to stamp under LogAppendTime
   */
  static Checked check(byte[] batch, TopicConfig config, int maxWriteBytes, long now) {
    int limit = Math.min(config.maxMessageBytes(), maxWriteBytes);
    if (batch.length > limit) {
      return refuse(ErrorCode.RECORD_TOO_LARGE, tooLarge(batch.length, config, maxWriteBytes));
    }
    ByteBuffer buffer = ByteBuffer.wrap(batch);
    int size;
    try {
      size = CODEC.validate(buffer);
    } catch (CorruptRecordBatchException e) {
      return refuse(ErrorCode.CORRUPT_MESSAGE, "Corrupt record batch: " + e.getMessage());
    }
    String invalid = invalidRequest(buffer, size, batch.length);
    if (invalid != null) {
      return refuse(ErrorCode.INVALID_REQUEST, "Invalid record batch: " + invalid);
    }
    if (config.cleanupPolicy().compacts()) {
      try {
        if (BatchCompaction.hasNullKey(buffer)) {
          // Kafka's message: compaction keeps records by key, a keyless one would just vanish.
          return refuse(
              ErrorCode.INVALID_RECORD, "Compacted topic cannot accept message without key");
        }
      } catch (CorruptRecordBatchException e) {
        return refuse(ErrorCode.CORRUPT_MESSAGE, "Corrupt record batch: " + e.getMessage());
      }
    }
    boolean logAppendTime = config.messageTimestampType() == TimestampType.LOG_APPEND_TIME;
    CompressionCodec compression = storedCompression(config.compressionType());
    byte[] stored = null;
    if (logAppendTime || compression != null) {
      try {
        stored = reencode(CODEC.decode(ByteBuffer.wrap(batch)), logAppendTime, compression, now);
      } catch (CorruptRecordBatchException e) {
        return refuse(ErrorCode.CORRUPT_MESSAGE, "Corrupt record batch: " + e.getMessage());
      } catch (IllegalArgumentException e) {
        return refuse(ErrorCode.RECORD_TOO_LARGE, "Record batch too large: " + e.getMessage());
      }
      if (stored != null && stored.length > limit) {
        return refuse(ErrorCode.RECORD_TOO_LARGE, tooLarge(stored.length, config, maxWriteBytes));
      }
    }
    if (stored == null) {
      stored = Arrays.copyOf(batch, batch.length);
    }
    int firstSequence = RecordBatchCodec.baseSequence(buffer);
    return new Checked(
        new IncomingBatch(
            stored,
            RecordBatchCodec.producerId(buffer),
            RecordBatchCodec.producerEpoch(buffer),
            firstSequence,
            ProducerStates.lastSequence(firstSequence, RecordBatchCodec.lastOffsetDelta(buffer)),
            logAppendTime ? now : -1),
        null);
  }

  private static Checked refuse(ErrorCode code, String message) {
    return new Checked(null, new Refusal(code, message));
  }

  private static String tooLarge(int bytes, TopicConfig config, int maxWriteBytes) {
    return "Record batch too large: bytes="
        + bytes
        + ", max.message.bytes="
        + config.maxMessageBytes()
        + ", runnel.partition.max-write-bytes="
        + maxWriteBytes;
  }

  /** What makes a valid batch an invalid request, as {@code name=value} facts, or null. */
  private static String invalidRequest(ByteBuffer buffer, int size, int length) {
    if (size != length) {
      return "reason=bytes after the batch, batchBytes=" + size + ", bytes=" + length;
    }
    long baseOffset = RecordBatchCodec.baseOffset(buffer);
    if (baseOffset != 0) {
      return "reason=base offset is not 0, baseOffset=" + baseOffset;
    }
    int recordCount = RecordBatchCodec.recordCount(buffer);
    if (recordCount == 0) {
      return "reason=no records, recordCount=0";
    }
    long producerId = RecordBatchCodec.producerId(buffer);
    short epoch = RecordBatchCodec.producerEpoch(buffer);
    int sequence = RecordBatchCodec.baseSequence(buffer);
    if (producerId != RecordBatch.NO_PRODUCER_ID
        && (epoch == RecordBatch.NO_PRODUCER_EPOCH || sequence == RecordBatch.NO_SEQUENCE)) {
      return "reason=incomplete producer fields, producerId="
          + producerId
          + ", producerEpoch="
          + epoch
          + ", baseSequence="
          + sequence;
    }
    return null;
  }

  /** The codec the topic stores batches with, or null to keep the producer's. */
  private static CompressionCodec storedCompression(TopicConfig.TopicCompression compression) {
    return switch (compression) {
      case PRODUCER -> null;
      case UNCOMPRESSED -> CompressionCodec.NONE;
      case LZ4 -> CompressionCodec.LZ4;
      case ZSTD -> CompressionCodec.ZSTD;
    };
  }

  /**
   * The batch encoded again with the append time on every record and/or another codec, or null when
   * it has the topic's codec already and needs no append time.
   *
   * @param compression the codec to store with, null to keep the batch's
   */
  private static byte[] reencode(
      RecordBatch batch, boolean logAppendTime, CompressionCodec compression, long now) {
    CompressionCodec codec = compression == null ? batch.compression() : compression;
    List<Record> records = batch.records();
    if (logAppendTime) {
      List<Record> stamped = new ArrayList<>(records.size());
      for (Record record : records) {
        stamped.add(
            new Record(record.offset(), now, record.key(), record.value(), record.headers()));
      }
      records = stamped;
    } else if (codec == batch.compression()) {
      return null;
    }
    return CODEC.encode(
        new RecordBatch(
            batch.baseOffset(),
            batch.lastOffsetDelta(),
            batch.producerId(),
            batch.producerEpoch(),
            batch.baseSequence(),
            logAppendTime ? now : batch.firstTimestamp(),
            logAppendTime ? now : batch.maxTimestamp(),
            logAppendTime ? TimestampType.LOG_APPEND_TIME : batch.timestampType(),
            codec,
            records));
  }
}
