package dev.runnel.actors.partition;

import akka.serialization.ByteBufferSerializer;
import akka.serialization.SerializerWithStringManifest;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;

/**
 * Akka serializer of {@link StoredBatch}: the serialized form is the encoded batch itself, so the
 * journal stores exactly the bytes {@link dev.runnel.persistence.record.RecordBatchCodec} wrote and
 * a batch crosses nodes (inside a {@code SourceRef}) without being re-encoded.
 *
 * <pre>
 * manifest "B1"   bytes: one encoded record batch (layout in RecordBatchCodec)
 * </pre>
 *
 * <p>Writing hands out the batch's own array, no copy; reading from a byte array wraps it, reading
 * from a {@link ByteBuffer} copies the batch out once (Akka may reuse that buffer afterwards).
 *
 * <p>Thread-safe: stateless.
 */
public final class StoredBatchSerializer extends SerializerWithStringManifest
    implements ByteBufferSerializer {

  /** This serializer's id; Runnel's serializers use 7300-7399. */
  public static final int IDENTIFIER = 7310;

  static final String MANIFEST = "B1";

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    batch(o);
    return MANIFEST;
  }

  @Override
  public byte[] toBinary(Object o) {
    return batch(o).bytes();
  }

  @Override
  public void toBinary(Object o, ByteBuffer buf) {
    buf.put(batch(o).bytes());
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    checkManifest(manifest);
    return new StoredBatch(bytes);
  }

  @Override
  public Object fromBinary(ByteBuffer buf, String manifest) throws NotSerializableException {
    checkManifest(manifest);
    byte[] bytes = new byte[buf.remaining()];
    buf.get(bytes);
    return new StoredBatch(bytes);
  }

  private static StoredBatch batch(Object o) {
    if (o instanceof StoredBatch batch) {
      return batch;
    }
    throw new IllegalArgumentException(
        "Cannot serialize: class=" + o.getClass().getName() + ", serializer=StoredBatchSerializer");
  }

  private static void checkManifest(String manifest) throws NotSerializableException {
    if (!MANIFEST.equals(manifest)) {
      throw new NotSerializableException(
          "Unknown manifest: manifest=" + manifest + ", serializer=StoredBatchSerializer");
    }
  }
}
