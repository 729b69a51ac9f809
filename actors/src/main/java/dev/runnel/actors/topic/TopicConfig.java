package dev.runnel.actors.topic;

import dev.runnel.actors.RunnelSerializable;
import dev.runnel.persistence.record.TimestampType;
import java.util.Objects;

/**
 * A topic's settings, typed, with the meanings of Kafka's topic configurations of the same names.
 *
 * @param retentionMs {@code retention.ms}: how long a record is kept, -1 for ever
 * @param retentionBytes {@code retention.bytes}: the size a partition's log may grow to before its
 *     oldest segments are deleted, -1 for no limit
 * @param segmentBytes {@code segment.bytes}: the size at which a partition's log starts a new
 *     segment
 * @param segmentMs {@code segment.ms}: the age at which a partition's log starts a new segment
 * @param cleanupPolicy {@code cleanup.policy}: what happens to old records
 * @param maxMessageBytes {@code max.message.bytes}: the largest record batch a producer may send
 * @param messageTimestampType {@code message.timestamp.type}: whether records keep the producer's
 *     timestamp or get the time of their append
 * @param compressionType {@code compression.type}: how stored batches are compressed
 * @param minCompactionLagMs {@code min.compaction.lag.ms}: how long a record stays uncompacted
 * @param maxCompactionLagMs {@code max.compaction.lag.ms}: how long a record may stay uncompacted
 *     whatever the dirty ratio; {@link Long#MAX_VALUE} for no limit
 * @param minCleanableDirtyRatio {@code min.cleanable.dirty.ratio}: the share of uncompacted bytes
 *     in a partition's log at which it is compacted
 * @param deleteRetentionMs {@code delete.retention.ms}: how long a tombstone stays after compaction
 *     reached it
 */
public record TopicConfig(
    long retentionMs,
    long retentionBytes,
    int segmentBytes,
    long segmentMs,
    CleanupPolicy cleanupPolicy,
    int maxMessageBytes,
    TimestampType messageTimestampType,
    TopicCompression compressionType,
    long minCompactionLagMs,
    long maxCompactionLagMs,
    double minCleanableDirtyRatio,
    long deleteRetentionMs)
    implements RunnelSerializable {

  /** Kafka's defaults for the settings above. */
  public static final TopicConfig KAFKA_DEFAULTS =
      new TopicConfig(
          7L * 24 * 60 * 60 * 1000,
          -1L,
          1024 * 1024 * 1024,
          7L * 24 * 60 * 60 * 1000,
          CleanupPolicy.DELETE,
          1024 * 1024 + 12,
          TimestampType.CREATE_TIME,
          TopicCompression.PRODUCER,
          0,
          Long.MAX_VALUE,
          0.5,
          24L * 60 * 60 * 1000);

  public TopicConfig {
    Objects.requireNonNull(cleanupPolicy, "cleanupPolicy");
    Objects.requireNonNull(messageTimestampType, "messageTimestampType");
    Objects.requireNonNull(compressionType, "compressionType");
  }

  /** Kafka's {@code cleanup.policy} values. */
  public enum CleanupPolicy {
    /** {@code delete}: old segments are deleted by time and size retention. */
    DELETE,
    /** {@code compact}: only the newest record of each key is kept. */
    COMPACT,
    /** {@code compact,delete}: compaction, and retention on top of it. */
    COMPACT_DELETE;

    /** Whether the log is compacted (and records without a key are refused). */
    public boolean compacts() {
      return this != DELETE;
    }

    /** Whether time and size retention delete old records. */
    public boolean deletes() {
      return this != COMPACT;
    }
  }

  /** Kafka's {@code compression.type} values that Runnel supports. */
  public enum TopicCompression {
    /** {@code producer}: batches are stored as the producer compressed them. */
    PRODUCER,
    /** {@code uncompressed}: batches are stored uncompressed. */
    UNCOMPRESSED,
    /** {@code lz4}: batches are stored compressed with LZ4. */
    LZ4,
    /** {@code zstd}: batches are stored compressed with zstd. */
    ZSTD
  }
}
