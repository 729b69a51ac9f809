package dev.runnel.api.serialization;

import dev.runnel.api.header.Headers;

/**
 * Turns a key or value into the bytes stored in a record, as Kafka's {@code Serializer} does. A
 * producer calls it on the thread that calls {@code send}, so it must be thread-safe when one
 * producer is shared between threads.
 *
 * @param <T> the type it serializes
 */
@FunctionalInterface
public interface Serializer<T> {

  /**
   * The bytes of {@code data}, or null for a null key or a tombstone value.
   *
   * @param topic the topic the record goes to
   * @param data the key or value, possibly null
   * @throws SerializationException if {@code data} cannot be serialized
   */
  byte[] serialize(String topic, T data);

  /**
   * The bytes of {@code data}; a serializer that writes headers (a schema id, say) overrides this.
   */
  default byte[] serialize(String topic, Headers headers, T data) {
    return serialize(topic, data);
  }
}
