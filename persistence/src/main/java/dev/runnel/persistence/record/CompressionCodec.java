package dev.runnel.persistence.record;

import java.util.Arrays;
import java.util.Locale;

/**
 * How the records section of a batch is compressed. The numeric {@link #id()} is stored in the
 * batch attributes and never changes; it matches Kafka's codec ids, so ids 1 (gzip) and 2 (snappy)
 * stay reserved. {@link #name()} lower-cased is the Kafka {@code compression.type} value.
 */
public enum CompressionCodec {
  NONE(0),
  LZ4(3),
  ZSTD(4);

  private final int id;

  CompressionCodec(int id) {
    this.id = id;
  }

  /** The id stored in the low bits of the batch attributes. */
  public int id() {
    return id;
  }

  /** The Kafka {@code compression.type} value of this codec: "none", "lz4" or "zstd". */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The codec with the given Kafka {@code compression.type} name, ignoring case.
   *
   * @throws IllegalArgumentException for any other name, including Kafka's "gzip" and "snappy"
   */
  public static CompressionCodec forName(String name) {
    for (CompressionCodec codec : values()) {
      if (codec.configName().equalsIgnoreCase(name)) {
        return codec;
      }
    }
    throw new IllegalArgumentException(
        "Unsupported compression type: compression.type="
            + name
            + ", supported="
            + Arrays.toString(Arrays.stream(values()).map(CompressionCodec::configName).toArray()));
  }

  /**
   * The codec with the given stored id.
   *
   * @throws IllegalArgumentException for an id no codec has
   */
  public static CompressionCodec forId(int id) {
    for (CompressionCodec codec : values()) {
      if (codec.id == id) {
        return codec;
      }
    }
    throw new IllegalArgumentException("Unknown compression codec: id=" + id);
  }
}
