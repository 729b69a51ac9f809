package dev.runnel.persistence.log;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The binary layout of one log entry. Entries lie back to back in a segment file; all integers are
 * big-endian.
 *
 * <pre>
 * offset size field
 *      0    4 length           int32: bytes after the crc field = 21 + payload length
 *      4    4 crc              uint32: CRC32C of the {@code length} bytes after this field
 *      8    1 magic            int8: format version, {@value #MAGIC}
 *      9    8 firstSequenceNr  int64: first sequence number the entry covers, >= 1
 *     17    4 count            int32: sequence numbers covered, >= 1
 *     21    8 timestamp        int64: epoch milliseconds
 *     29    n payload          opaque bytes
 * </pre>
 *
 * <p>One CRC covers the whole entry, so recovery keeps an entry whole or cuts it: the entry is the
 * unit of atomicity. A length below {@value #CRC_COVERED_HEADER_BYTES} or above that plus the
 * largest allowed payload marks the entry corrupt rather than making a reader allocate garbage
 * sizes.
 *
 * <p>Stateless; thread-safe.
 */
final class EntryFormat {

  static final int LENGTH_OFFSET = 0;
  static final int CRC_OFFSET = 4;
  static final int MAGIC_OFFSET = 8;
  static final int FIRST_SEQUENCE_NR_OFFSET = 9;
  static final int COUNT_OFFSET = 17;
  static final int TIMESTAMP_OFFSET = 21;
  static final int HEADER_BYTES = 29;

  /** Header bytes the length field counts and the crc covers. */
  static final int CRC_COVERED_HEADER_BYTES = HEADER_BYTES - MAGIC_OFFSET;

  static final byte MAGIC = 1;

  private EntryFormat() {}

  /** Bytes the entry takes in a segment. */
  static int entryBytes(int payloadBytes) {
    return HEADER_BYTES + payloadBytes;
  }

  /**
   * Fills {@code header} (exactly {@link #HEADER_BYTES} from position 0) for {@code entry} whose
   * payload is {@code payload}, leaving both buffers' positions unchanged.
   */
  static void writeHeader(ByteBuffer header, LogEntry entry, ByteBuffer payload, CRC32C crc) {
    int payloadBytes = payload.remaining();
    header.putInt(LENGTH_OFFSET, CRC_COVERED_HEADER_BYTES + payloadBytes);
    header.put(MAGIC_OFFSET, MAGIC);
    header.putLong(FIRST_SEQUENCE_NR_OFFSET, entry.firstSequenceNr());
    header.putInt(COUNT_OFFSET, entry.count());
    header.putLong(TIMESTAMP_OFFSET, entry.timestamp());
    crc.reset();
    header.position(MAGIC_OFFSET);
    crc.update(header);
    header.position(0);
    int payloadStart = payload.position();
    crc.update(payload);
    payload.position(payloadStart);
    header.putInt(CRC_OFFSET, (int) crc.getValue());
  }
}
