package dev.runnel.persistence.record;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * What log compaction needs of an encoded batch, without decoding it into {@link Record}s: visit
 * each record's key, offset, timestamp and whether it is a tombstone, and rewrite the batch keeping
 * only some records.
 *
 * <p>A rewritten batch keeps everything of its header but the record count, the length, the CRC
 * and, when no record is left, the codec (an empty batch is stored uncompressed): the base offset,
 * {@code lastOffsetDelta} (so the batch still covers the offsets it covered, and offsets never
 * change), both timestamps and the producer fields (so idempotent producers are still recognised
 * after a restart). The kept records are copied byte for byte: their offset and timestamp deltas
 * stay valid since base offset and first timestamp do not change. Compressed batches are
 * decompressed and the kept records compressed again with the same codec.
 *
 * <p>Batches come from storage that already checked them (CRC per log entry); the walk still checks
 * every length it follows and throws {@link CorruptRecordBatchException} rather than read past a
 * record.
 *
 * <p>Stateless; thread-safe.
 */
public final class BatchCompaction {

  /** Sees one record of a batch; the key is {@code keyLength} bytes at {@code keyOffset}. */
  @FunctionalInterface
  public interface RecordVisitor {

    /**
     * @param records the records section, indexed absolutely: a view of the batch's bytes (or of
     *     its decompressed records), valid as long as those bytes are
     * @param keyOffset the key's index in {@code records}
     * @param keyLength the key's length, -1 for a null key
     * @param offset the record's offset
     * @param timestamp the record's timestamp
     * @param tombstone whether the value is null
     * @return for {@link #retain}, whether to keep the record; ignored by {@link #scan}
     */
    boolean visit(
        ByteBuffer records,
        int keyOffset,
        int keyLength,
        long offset,
        long timestamp,
        boolean tombstone);
  }

  private BatchCompaction() {}

  /**
   * Calls {@code visitor} for every record of the batch at the buffer's position, in offset order.
   *
   * @return the number of records
   */
  public static int scan(ByteBuffer batch, RecordVisitor visitor) {
    ByteBuffer in = batch.slice().order(ByteOrder.BIG_ENDIAN);
    return walk(in, records(in), visitor, null);
  }

  /** Whether a record of the batch at the buffer's position has a null key. */
  public static boolean hasNullKey(ByteBuffer batch) {
    boolean[] found = {false};
    scan(
        batch,
        (records, keyOffset, keyLength, offset, timestamp, tombstone) -> {
          found[0] |= keyLength < 0;
          return true;
        });
    return found[0];
  }

  /**
   * The batch at the buffer's position with only the records {@code keep} accepts, or null when it
   * accepts them all (the batch stays as it is).
   */
  public static byte[] retain(ByteBuffer batch, RecordVisitor keep) {
    ByteBuffer in = batch.slice().order(ByteOrder.BIG_ENDIAN);
    ByteBuffer section = records(in);
    int recordCount = in.getInt(RecordBatchCodec.RECORD_COUNT_OFFSET);
    KeptRanges kept = new KeptRanges();
    int visited = walk(in, section, keep, kept);
    if (kept.records == visited && visited == recordCount) {
      return null;
    }
    short attributes = in.getShort(RecordBatchCodec.ATTRIBUTES_OFFSET);
    CompressionCodec codec = CompressionCodec.forId(attributes & RecordBatchCodec.CODEC_MASK);
    byte[] raw = kept.copy(section);
    byte[] out;
    if (kept.records == 0 || codec == CompressionCodec.NONE) {
      out = new byte[RecordBatchCodec.HEADER_SIZE + raw.length];
      System.arraycopy(raw, 0, out, RecordBatchCodec.HEADER_SIZE, raw.length);
      if (kept.records == 0) {
        attributes = (short) (attributes & ~RecordBatchCodec.CODEC_MASK);
      }
    } else {
      int start = RecordBatchCodec.HEADER_SIZE + RecordBatchCodec.UNCOMPRESSED_SIZE_BYTES;
      byte[] scratch = new byte[start + RecordsCompression.maxCompressedLength(codec, raw.length)];
      int size = start + RecordsCompression.compress(codec, raw, raw.length, scratch, start);
      out = Arrays.copyOf(scratch, size);
      ByteBuffer.wrap(out).putInt(RecordBatchCodec.HEADER_SIZE, raw.length);
    }
    in.get(0, out, 0, RecordBatchCodec.HEADER_SIZE);
    ByteBuffer header = ByteBuffer.wrap(out);
    header
        .putInt(RecordBatchCodec.BATCH_LENGTH_OFFSET, out.length - RecordBatchCodec.LOG_OVERHEAD)
        .putShort(RecordBatchCodec.ATTRIBUTES_OFFSET, attributes)
        .putInt(RecordBatchCodec.RECORD_COUNT_OFFSET, kept.records);
    CRC32C crc = new CRC32C();
    crc.update(
        out, RecordBatchCodec.ATTRIBUTES_OFFSET, out.length - RecordBatchCodec.ATTRIBUTES_OFFSET);
    header.putInt(RecordBatchCodec.CRC_OFFSET, (int) crc.getValue());
    return out;
  }

  /** The records section of the batch {@code in} starts with, decompressed if need be. */
  private static ByteBuffer records(ByteBuffer in) {
    int size = RecordBatchCodec.sizeInBytes(in);
    if (size > in.remaining()) {
      throw new CorruptRecordBatchException(
          "Corrupt record batch: reason=truncated batch, sizeInBytes="
              + size
              + ", remaining="
              + in.remaining());
    }
    int attributes = in.getShort(RecordBatchCodec.ATTRIBUTES_OFFSET);
    CompressionCodec codec = CompressionCodec.forId(attributes & RecordBatchCodec.CODEC_MASK);
    ByteBuffer section =
        in.slice(RecordBatchCodec.HEADER_SIZE, size - RecordBatchCodec.HEADER_SIZE);
    if (codec == CompressionCodec.NONE) {
      return section;
    }
    int uncompressedSize = section.getInt(0);
    section.position(RecordBatchCodec.UNCOMPRESSED_SIZE_BYTES);
    return ByteBuffer.wrap(RecordsCompression.decompress(codec, section, uncompressedSize));
  }

  /**
   * Walks the records of {@code section}, calling {@code visitor}; with {@code kept} it records the
   * byte ranges of the records the visitor keeps.
   */
  private static int walk(
      ByteBuffer header, ByteBuffer section, RecordVisitor visitor, KeptRanges kept) {
    final long baseOffset = header.getLong(RecordBatchCodec.BASE_OFFSET_OFFSET);
    final long firstTimestamp = header.getLong(RecordBatchCodec.FIRST_TIMESTAMP_OFFSET);
    final int count = header.getInt(RecordBatchCodec.RECORD_COUNT_OFFSET);
    final ByteBuffer in = section.duplicate();
    final int end = in.limit();
    for (int i = 0; i < count; i++) {
      final int recordStart = in.position();
      final int length = Varint.readVarint(in);
      final int recordEnd = in.position() + length;
      if (length < RecordBatchCodec.MIN_RECORD_BYTES - 1 || recordEnd > end) {
        throw malformed("record length", length, recordStart);
      }
      in.position(in.position() + 1);
      final long timestampDelta = Varint.readVarlong(in);
      final int offsetDelta = Varint.readVarint(in);
      final int keyLength = Varint.readVarint(in);
      final int keyOffset = in.position();
      if (keyLength < -1 || keyOffset + Math.max(keyLength, 0) > recordEnd) {
        throw malformed("key length", keyLength, recordStart);
      }
      in.position(keyOffset + Math.max(keyLength, 0));
      final int valueLength = Varint.readVarint(in);
      if (valueLength < -1 || in.position() + Math.max(valueLength, 0) > recordEnd) {
        throw malformed("value length", valueLength, recordStart);
      }
      boolean keep =
          visitor.visit(
              section,
              keyOffset,
              keyLength,
              baseOffset + offsetDelta,
              firstTimestamp + timestampDelta,
              valueLength < 0);
      if (kept != null && keep) {
        kept.add(recordStart, recordEnd);
      }
      in.position(recordEnd);
    }
    return count;
  }

  private static CorruptRecordBatchException malformed(String field, int value, int position) {
    return new CorruptRecordBatchException(
        "Corrupt record batch: reason="
            + field
            + " out of range, value="
            + value
            + ", recordPosition="
            + position);
  }

  /** Byte ranges of kept records, adjacent ones merged so that copying them is a few copies. */
  private static final class KeptRanges {
    private int[] bounds = new int[16];
    private int size;
    private int bytes;
    int records;

    void add(int start, int end) {
      records++;
      bytes += end - start;
      if (size > 0 && bounds[size - 1] == start) {
        bounds[size - 1] = end;
        return;
      }
      if (size == bounds.length) {
        bounds = Arrays.copyOf(bounds, size * 2);
      }
      bounds[size++] = start;
      bounds[size++] = end;
    }

    byte[] copy(ByteBuffer section) {
      byte[] out = new byte[bytes];
      int at = 0;
      for (int i = 0; i < size; i += 2) {
        int length = bounds[i + 1] - bounds[i];
        section.get(bounds[i], out, at, length);
        at += length;
      }
      return out;
    }
  }
}
