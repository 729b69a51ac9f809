package dev.runnel.api.serialization;

import java.util.Objects;

/**
 * A {@link Serializer} and the {@link Deserializer} that reads what it writes.
 *
 * @param <T> the type both handle
 */
public interface Serde<T> {

  /** The serializer, for {@code ProducerSettings}. */
  Serializer<T> serializer();

  /** The deserializer, for {@code ConsumerSettings}. */
  Deserializer<T> deserializer();

  /** A serde of the two given halves. */
  static <T> Serde<T> of(Serializer<T> serializer, Deserializer<T> deserializer) {
    Objects.requireNonNull(serializer, "serializer");
    Objects.requireNonNull(deserializer, "deserializer");
    return new Serde<>() {
      @Override
      public Serializer<T> serializer() {
        return serializer;
      }

      @Override
      public Deserializer<T> deserializer() {
        return deserializer;
      }
    };
  }
}
