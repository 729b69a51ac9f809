package dev.runnel.persistence.record;

import static dev.runnel.persistence.record.RecordBatchCodec.ATTRIBUTES_OFFSET;
import static dev.runnel.persistence.record.RecordBatchCodec.BATCH_LENGTH_OFFSET;
import static dev.runnel.persistence.record.RecordBatchCodec.CRC_OFFSET;
import static dev.runnel.persistence.record.RecordBatchCodec.HEADER_SIZE;
import static dev.runnel.persistence.record.RecordBatchCodec.LOG_OVERHEAD;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** Builds and repairs encoded batches by hand, to craft corruptions the CRC does not catch. */
final class EncodedBatches {

  private EncodedBatches() {}

  /** Sets batchLength to the array's length and recomputes the CRC, in place. */
  static byte[] fixLengthAndCrc(byte[] batch) {
    ByteBuffer buffer = ByteBuffer.wrap(batch);
    buffer.putInt(BATCH_LENGTH_OFFSET, batch.length - LOG_OVERHEAD);
    CRC32C crc = new CRC32C();
    crc.update(batch, ATTRIBUTES_OFFSET, batch.length - ATTRIBUTES_OFFSET);
    buffer.putInt(CRC_OFFSET, (int) crc.getValue());
    return batch;
  }

  /** The header of {@code template} followed by {@code section}, made consistent again. */
  static byte[] withRecordsSection(byte[] template, byte[] section) {
    byte[] batch = Arrays.copyOf(template, HEADER_SIZE + section.length);
    System.arraycopy(section, 0, batch, HEADER_SIZE, section.length);
    return fixLengthAndCrc(batch);
  }

  /** An uncompressed encoding with its records section compressed by {@code codec}. */
  static byte[] compress(byte[] uncompressed, CompressionCodec codec) {
    byte[] records = Arrays.copyOfRange(uncompressed, HEADER_SIZE, uncompressed.length);
    byte[] scratch = new byte[4 + RecordsCompression.maxCompressedLength(codec, records.length)];
    int compressed = RecordsCompression.compress(codec, records, records.length, scratch, 4);
    ByteBuffer.wrap(scratch).putInt(0, records.length);
    byte[] batch = withRecordsSection(uncompressed, Arrays.copyOf(scratch, 4 + compressed));
    ByteBuffer.wrap(batch).putShort(ATTRIBUTES_OFFSET, (short) codec.id());
    return fixLengthAndCrc(batch);
  }

  static byte[] hex(String hex) {
    return java.util.HexFormat.of().parseHex(hex.replaceAll("[\\s|]", ""));
  }
}
