package dev.runnel.persistence.serialization;

import akka.serialization.Serialization;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An object serialized with Akka serialization: serializer id, manifest and bytes, everything
 * needed to turn it back into the object with the same serializer.
 *
 * <p>Binary layout written by {@link #writeTo} and read by {@link #readFrom} (big-endian):
 *
 * <pre>
 * +--------------+----------------+----------+-------------+-------+
 * | serializerId | manifestLength | manifest | bytesLength | bytes |
 * | int32        | uint16         | UTF-8    | int32       |       |
 * +--------------+----------------+----------+-------------+-------+
 * </pre>
 *
 * <p>Immutable and thread-safe as long as nobody writes into the buffer it was read from.
 */
public final class SerializedValue {

  /** Bytes of the layout besides manifest and bytes. */
  private static final int FIXED_BYTES = Integer.BYTES + Short.BYTES + Integer.BYTES;

  private static final int MAX_MANIFEST_BYTES = 0xFFFF;

  private final int serializerId;
  private final byte[] manifest;
  private final ByteBuffer bytes;

  private SerializedValue(int serializerId, byte[] manifest, ByteBuffer bytes) {
    this.serializerId = serializerId;
    this.manifest = manifest;
    this.bytes = bytes;
  }

  /** A value already serialized by the serializer with the given id. */
  public static SerializedValue of(int serializerId, String manifest, byte[] bytes) {
    byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
    if (manifestBytes.length > MAX_MANIFEST_BYTES) {
      throw new IllegalArgumentException(
          "Manifest too long: manifestBytes="
              + manifestBytes.length
              + ", max="
              + MAX_MANIFEST_BYTES);
    }
    return new SerializedValue(serializerId, manifestBytes, ByteBuffer.wrap(bytes));
  }

  /**
   * Serializes {@code value} with the serializer Akka configured for its class.
   *
   * @throws IllegalArgumentException naming the class when no serializer can serialize it
   */
  public static SerializedValue serialize(Serialization serialization, Object value) {
    try {
      Serializer serializer = serialization.findSerializerFor(value);
      String manifest = Serializers.manifestFor(serializer, value);
      // Serialization.serialize, unlike Serializer.toBinary, sets the transport information that
      // serializers of ActorRefs need.
      return of(serializer.identifier(), manifest, serialization.serialize(value).get());
    } catch (Exception e) {
      throw new IllegalArgumentException(
          "Cannot serialize: class=" + value.getClass().getName() + ", reason=" + e, e);
    }
  }

  /**
   * Reads a value at the buffer's position and advances the position past it. The bytes are a view
   * of {@code buffer}, not a copy.
   *
   * @throws IllegalArgumentException with the position when the layout does not fit the buffer
   */
  public static SerializedValue readFrom(ByteBuffer buffer) {
    int start = buffer.position();
    if (buffer.remaining() < FIXED_BYTES) {
      throw malformed(start, "truncated header, remaining=" + buffer.remaining());
    }
    int serializerId = buffer.getInt();
    int manifestLength = Short.toUnsignedInt(buffer.getShort());
    if (buffer.remaining() < manifestLength + Integer.BYTES) {
      throw malformed(start, "manifestLength=" + manifestLength + " past end");
    }
    byte[] manifest = new byte[manifestLength];
    buffer.get(manifest);
    int bytesLength = buffer.getInt();
    if (bytesLength < 0 || bytesLength > buffer.remaining()) {
      throw malformed(start, "bytesLength=" + bytesLength + ", remaining=" + buffer.remaining());
    }
    ByteBuffer bytes = buffer.slice(buffer.position(), bytesLength);
    buffer.position(buffer.position() + bytesLength);
    return new SerializedValue(serializerId, manifest, bytes);
  }

  private static IllegalArgumentException malformed(int position, String reason) {
    return new IllegalArgumentException(
        "Malformed serialized value: position=" + position + ", reason=" + reason);
  }

  /**
   * Deserializes the value with the serializer it was written with.
   *
   * @throws IllegalStateException naming serializer and manifest when that fails
   */
  public Object deserialize(Serialization serialization) {
    try {
      return serialization.deserializeByteBuffer(bytes.duplicate(), serializerId, manifest());
    } catch (Exception e) {
      throw new IllegalStateException(
          "Cannot deserialize: serializerId="
              + serializerId
              + ", manifest="
              + manifest()
              + ", bytes="
              + bytes.remaining()
              + ", reason="
              + e,
          e);
    }
  }

  public int serializerId() {
    return serializerId;
  }

  public String manifest() {
    return new String(manifest, StandardCharsets.UTF_8);
  }

  /** The serialized bytes as a read-only view. */
  public ByteBuffer bytes() {
    return bytes.asReadOnlyBuffer();
  }

  /** Size of this value in the binary layout. */
  public int encodedSize() {
    return FIXED_BYTES + manifest.length + bytes.remaining();
  }

  /** Writes this value at the buffer's position, advancing it by {@link #encodedSize()}. */
  public void writeTo(ByteBuffer buffer) {
    buffer.putInt(serializerId);
    buffer.putShort((short) manifest.length);
    buffer.put(manifest);
    buffer.putInt(bytes.remaining());
    buffer.put(bytes.duplicate());
  }
}
