package dev.runnel.api.producer;

import dev.runnel.persistence.record.Header;
import dev.runnel.persistence.record.RecordBatchCodec;
import java.util.List;

/**
 * Upper bounds of the encoded size of records in Runnel's batch format (see {@link
 * RecordBatchCodec}), so that a producer can close a batch before it grows past a limit without
 * encoding it on every record. Every varint is counted at its widest (5 bytes, a varlong 10) and
 * every header key at 3 UTF-8 bytes per UTF-16 char, so a bound overshoots by at most about 30
 * bytes per record; the codec's exact encoding is never larger.
 */
final class RecordSizes {

  /** The fixed header of a batch, plus the uncompressed-size field a compressed batch carries. */
  static final int BATCH_OVERHEAD = RecordBatchCodec.HEADER_SIZE + Integer.BYTES;

  private static final int VARINT = 5;
  private static final int VARLONG = 10;

  /** length, attributes, timestampDelta, offsetDelta, keyLength, valueLength, headerCount. */
  private static final int RECORD_OVERHEAD =
      VARINT + 1 + VARLONG + VARINT + VARINT + VARINT + VARINT;

  private RecordSizes() {}

  /** An upper bound of one record's encoded size within a batch. */
  static long record(byte[] key, byte[] value, List<Header> headers) {
    long size = RECORD_OVERHEAD + length(key) + length(value);
    for (int i = 0, n = headers.size(); i < n; i++) {
      Header header = headers.get(i);
      size += VARINT + 3L * header.key().length() + VARINT + length(header.value());
    }
    return size;
  }

  private static long length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }
}
