package dev.runnel.api.consumer;

import dev.runnel.actors.TopicPartition;
import dev.runnel.api.header.Headers;
import dev.runnel.persistence.record.TimestampType;

/**
 * A record read from a partition, with the fields of Kafka's {@code ConsumerRecord}.
 *
 * @param topic the topic
 * @param partition the partition
 * @param offset the record's offset in its partition
 * @param timestamp milliseconds since the epoch
 * @param timestampType whether the timestamp was set by the producer or on append
 * @param key the deserialized key, or null
 * @param value the deserialized value, or null
 * @param headers the headers, never null
 * @param serializedKeySize the key's stored size in bytes, -1 for a null key
 * @param serializedValueSize the value's stored size in bytes, -1 for a null value
 * @param <K> the key type
 * @param <V> the value type
 */
public record ConsumerRecord<K, V>(
    String topic,
    int partition,
    long offset,
    long timestamp,
    TimestampType timestampType,
    K key,
    V value,
    Headers headers,
    int serializedKeySize,
    int serializedValueSize) {

  /** The stored size of a null key or value, as Kafka reports it. */
  public static final int NULL_SIZE = -1;

  /** The record's partition. */
  public TopicPartition topicPartition() {
    return new TopicPartition(topic, partition);
  }
}
