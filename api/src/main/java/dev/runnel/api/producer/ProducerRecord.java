package dev.runnel.api.producer;

import dev.runnel.api.header.Headers;
import java.util.Objects;

/**
 * A record to send, with the fields and constructors of Kafka's {@code ProducerRecord}.
 *
 * <p>Without a partition, a keyed record goes to Kafka's default partition for its key ({@code
 * murmur2(key) mod partitions} of the serialized key) and an unkeyed one to the partition the
 * producer currently sticks to for the topic. Without a timestamp, the producer stamps the record
 * with the wall-clock time of {@code send}; a topic with {@code message.timestamp.type =
 * LogAppendTime} replaces either with the time the partition appended it.
 *
 * @param topic the topic to send to
 * @param partition the partition, or null to let the producer choose
 * @param timestamp milliseconds since the epoch, or null for the time of sending
 * @param key the key, or null
 * @param value the value, or null for a tombstone
 * @param headers the headers; null is taken as none
 * @param <K> the key type
 * @param <V> the value type
 */
public record ProducerRecord<K, V>(
    String topic, Integer partition, Long timestamp, K key, V value, Headers headers) {

  public ProducerRecord {
    Objects.requireNonNull(topic, "topic");
    if (partition != null && partition < 0) {
      throw new IllegalArgumentException(
          "Invalid partition: topic=" + topic + ", partition=" + partition);
    }
    if (timestamp != null && timestamp < 0) {
      throw new IllegalArgumentException(
          "Invalid timestamp: topic=" + topic + ", timestamp=" + timestamp);
    }
    headers = headers == null ? Headers.empty() : headers;
  }

  /** A record with a partition, key and value. */
  public ProducerRecord(String topic, Integer partition, K key, V value) {
    this(topic, partition, null, key, value, null);
  }

  /** A record with a key and a value. */
  public ProducerRecord(String topic, K key, V value) {
    this(topic, null, null, key, value, null);
  }

  /** A record with a value only. */
  public ProducerRecord(String topic, V value) {
    this(topic, null, null, null, value, null);
  }

  /** This record with other headers. */
  public ProducerRecord<K, V> withHeaders(Headers newHeaders) {
    return new ProducerRecord<>(topic, partition, timestamp, key, value, newHeaders);
  }
}
