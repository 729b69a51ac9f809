package dev.runnel.api.serialization;

import dev.runnel.api.header.Headers;

/**
 * Turns the bytes of a stored key or value back into an object, as Kafka's {@code Deserializer}
 * does. A consumer calls it on a stream thread; it must not block.
 *
 * @param <T> the type it deserializes
 */
@FunctionalInterface
public interface Deserializer<T> {

  /**
   * The object {@code data} holds.
   *
   * @param topic the topic the record comes from
   * @param data the stored bytes, or null for a null key or a tombstone value
   * @throws SerializationException if the bytes do not hold a {@code T}
   */
  T deserialize(String topic, byte[] data);

  /** The object {@code data} holds; a deserializer that reads headers overrides this. */
  default T deserialize(String topic, Headers headers, byte[] data) {
    return deserialize(topic, data);
  }
}
