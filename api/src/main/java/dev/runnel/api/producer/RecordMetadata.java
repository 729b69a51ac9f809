package dev.runnel.api.producer;

import dev.runnel.actors.TopicPartition;

/**
 * Where a sent record was stored, as Kafka's {@code RecordMetadata} reports it.
 *
 * @param topic the record's topic
 * @param partition the record's partition
 * @param offset the record's offset, or {@link #UNKNOWN_OFFSET} when sent with {@code acks=none}
 * @param timestamp the record's timestamp: the producer's for a {@code CreateTime} topic, the
 *     append time for a {@code LogAppendTime} topic, or {@link #NO_TIMESTAMP} when the append time
 *     is not known ({@code acks=none})
 */
public record RecordMetadata(String topic, int partition, long offset, long timestamp) {

  /** The offset of a record sent with {@code acks=none}: nobody answered with one. */
  public static final long UNKNOWN_OFFSET = -1L;

  /** The timestamp when none is known. */
  public static final long NO_TIMESTAMP = -1L;

  /** Whether the offset is known. */
  public boolean hasOffset() {
    return offset != UNKNOWN_OFFSET;
  }

  /** Whether the timestamp is known. */
  public boolean hasTimestamp() {
    return timestamp != NO_TIMESTAMP;
  }

  /** The record's partition. */
  public TopicPartition topicPartition() {
    return new TopicPartition(topic, partition);
  }
}
