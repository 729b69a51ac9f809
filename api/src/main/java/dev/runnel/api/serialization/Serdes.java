package dev.runnel.api.serialization;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The stock serdes, with the names and the byte layouts of Kafka's {@code Serdes}, so that records
 * written by Kafka clients read back the same here and the other way round: strings as UTF-8,
 * numbers as fixed-width big-endian two's complement (floating point as IEEE 754 bits), UUIDs as
 * their 36-character string form. Every serde maps null to null. Deserializers refuse bytes of the
 * wrong width with a {@link SerializationException} that names the topic and the width found.
 *
 * <p>All serdes here are stateless and thread-safe.
 */
public final class Serdes {

  private static final Serde<String> STRING =
      Serde.of(
          (topic, data) -> data == null ? null : data.getBytes(StandardCharsets.UTF_8),
          (topic, data) -> data == null ? null : new String(data, StandardCharsets.UTF_8));

  private static final Serde<byte[]> BYTE_ARRAY = Serde.of((topic, data) -> data, (t, d) -> d);

  private static final Serde<ByteBuffer> BYTE_BUFFER =
      Serde.of(Serdes::bytesOf, (topic, data) -> data == null ? null : ByteBuffer.wrap(data));

  private static final Serde<Long> LONG =
      Serde.of(
          (topic, data) -> data == null ? null : ByteBuffer.allocate(8).putLong(data).array(),
          (topic, data) -> data == null ? null : fixed(topic, data, 8, "Long").getLong());

  private static final Serde<Integer> INTEGER =
      Serde.of(
          (topic, data) -> data == null ? null : ByteBuffer.allocate(4).putInt(data).array(),
          (topic, data) -> data == null ? null : fixed(topic, data, 4, "Integer").getInt());

  private static final Serde<Short> SHORT =
      Serde.of(
          (topic, data) -> data == null ? null : ByteBuffer.allocate(2).putShort(data).array(),
          (topic, data) -> data == null ? null : fixed(topic, data, 2, "Short").getShort());

  private static final Serde<Double> DOUBLE =
      Serde.of(
          (topic, data) -> data == null ? null : ByteBuffer.allocate(8).putDouble(data).array(),
          (topic, data) -> data == null ? null : fixed(topic, data, 8, "Double").getDouble());

  private static final Serde<Float> FLOAT =
      Serde.of(
          (topic, data) -> data == null ? null : ByteBuffer.allocate(4).putFloat(data).array(),
          (topic, data) -> data == null ? null : fixed(topic, data, 4, "Float").getFloat());

  private static final Serde<java.util.UUID> UUID =
      Serde.of(
          (topic, data) ->
              data == null ? null : STRING.serializer().serialize(topic, data.toString()),
          Serdes::uuidOf);

  private static final Serde<Void> VOID =
      Serde.of(
          (topic, data) -> null,
          (topic, data) -> {
            if (data != null) {
              throw new SerializationException(
                  "Expected no bytes for a Void: topic=" + topic + ", length=" + data.length);
            }
            return null;
          });

  private Serdes() {}

  /** UTF-8 strings. */
  public static Serde<String> String() {
    return STRING;
  }

  /** The bytes as they are; the arrays are not copied. */
  public static Serde<byte[]> ByteArray() {
    return BYTE_ARRAY;
  }

  /**
   * The remaining bytes of a buffer (its position is left alone); deserialized as a buffer that
   * wraps the stored array.
   */
  public static Serde<ByteBuffer> ByteBuffer() {
    return BYTE_BUFFER;
  }

  /** 8-byte big-endian longs. */
  public static Serde<Long> Long() {
    return LONG;
  }

  /** 4-byte big-endian ints. */
  public static Serde<Integer> Integer() {
    return INTEGER;
  }

  /** 2-byte big-endian shorts. */
  public static Serde<Short> Short() {
    return SHORT;
  }

  /** 8-byte IEEE 754 doubles. */
  public static Serde<Double> Double() {
    return DOUBLE;
  }

  /** 4-byte IEEE 754 floats. */
  public static Serde<Float> Float() {
    return FLOAT;
  }

  /** UUIDs as their UTF-8 string form, {@code 8-4-4-4-12} hex digits. */
  public static Serde<java.util.UUID> UUID() {
    return UUID;
  }

  /** Always null: for records whose key or value carries nothing. */
  public static Serde<Void> Void() {
    return VOID;
  }

  private static byte[] bytesOf(String topic, ByteBuffer data) {
    if (data == null) {
      return null;
    }
    ByteBuffer view = data.duplicate();
    if (view.hasArray()
        && view.arrayOffset() == 0
        && view.position() == 0
        && view.remaining() == view.array().length) {
      return view.array();
    }
    byte[] bytes = new byte[view.remaining()];
    view.get(bytes);
    return bytes;
  }

  private static ByteBuffer fixed(String topic, byte[] data, int width, String type) {
    if (data.length != width) {
      throw new SerializationException(
          "Wrong size for a "
              + type
              + ": topic="
              + topic
              + ", expectedLength="
              + width
              + ", length="
              + data.length);
    }
    return java.nio.ByteBuffer.wrap(data);
  }

  private static java.util.UUID uuidOf(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    String text = new String(data, StandardCharsets.UTF_8);
    try {
      return java.util.UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw new SerializationException(
          "Not a UUID: topic="
              + topic
              + ", bytes="
              + Arrays.toString(Arrays.copyOf(data, Math.min(data.length, 40))),
          e);
    }
  }
}
