package dev.runnel.persistence.record;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One record of a partition's log. Equality compares key and value bytes, not array identity.
 *
 * <p>Arrays are not copied: decoding hands freshly read arrays over, and whoever builds a record
 * must not modify its arrays afterwards. The headers list is copied into an unmodifiable list.
 *
 * @param offset the record's offset in its partition
 * @param timestamp milliseconds since the epoch (negative before 1970)
 * @param key the key, or null for an unkeyed record
 * @param value the value, or null for a tombstone (a deletion marker for log compaction)
 * @param headers the headers, possibly empty, never null
 */
public record Record(long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {

  private static final int DESCRIBED_BYTES = 32;

  public Record {
    headers = List.copyOf(headers);
  }

  /** A record without headers. */
  public Record(long offset, long timestamp, byte[] key, byte[] value) {
    this(offset, timestamp, key, value, List.of());
  }

  /** Whether this record marks its key as deleted (its value is null). */
  public boolean isTombstone() {
    return value == null;
  }

  /** This record at another offset. */
  public Record withOffset(long newOffset) {
    return new Record(newOffset, timestamp, key, value, headers);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Record that
        && offset == that.offset
        && timestamp == that.timestamp
        && Arrays.equals(key, that.key)
        && Arrays.equals(value, that.value)
        && headers.equals(that.headers);
  }

  @Override
  public int hashCode() {
    int result = Objects.hash(offset, timestamp, headers);
    result = 31 * result + Arrays.hashCode(key);
    return 31 * result + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "Record[offset="
        + offset
        + ", timestamp="
        + timestamp
        + ", key="
        + describe(key)
        + ", value="
        + describe(value)
        + ", headers="
        + headers
        + "]";
  }

  /** Bytes as hex, shortened for long arrays so that logging a large record stays readable. */
  static String describe(byte[] bytes) {
    if (bytes == null) {
      return "null";
    }
    if (bytes.length <= DESCRIBED_BYTES) {
      return HexFormat.of().formatHex(bytes);
    }
    return HexFormat.of().formatHex(bytes, 0, DESCRIBED_BYTES) + "...(" + bytes.length + " bytes)";
  }
}
