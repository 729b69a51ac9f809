package dev.runnel.persistence.record;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharsetDecoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Encodes a {@link RecordBatch} into Runnel's binary batch format and decodes it again; also reads
 * and patches the header of an encoded batch without decoding its records, and encodes a batch
 * record by record ({@link #writer}) for a producer that fills it over time. The format is modelled
 * on Kafka's record batch v2 but is Runnel's own (magic 1); docs/record-batch-format.md describes
 * it for readers outside the code.
 *
 * <pre>
 * Batch (all integers big-endian)
 * offset size  field            type     meaning
 *      0    8  baseOffset       int64    offset of the first offset slot; NOT covered by the CRC
 *      8    4  batchLength      int32    bytes that follow this field (sizeInBytes - 12)
 *     12    1  magic            int8     format version, 1
 *     13    4  crc              uint32   CRC32C of every byte from attributes to the batch end
 *     17    2  attributes       int16    bits 0-2 codec id (0 none, 3 lz4, 4 zstd),
 *                                        bit 3 timestamp type (0 create, 1 log append), rest 0
 *     19    4  lastOffsetDelta  int32    last offset slot - baseOffset (-1: empty fresh batch)
 *     23    8  firstTimestamp   int64    base of the records' timestamp deltas
 *     31    8  maxTimestamp     int64    largest record timestamp
 *     39    8  producerId       int64    -1 = none
 *     47    2  producerEpoch    int16    -1 = none
 *     49    4  baseSequence     int32    -1 = none
 *     53    4  recordCount      int32    number of records that follow
 *     57    -  records                   codec none: the records, back to back;
 *                                        lz4/zstd: uncompressedSize int32, then the records
 *                                        compressed as one LZ4 block or one zstd frame
 *
 * Record (varint = zig-zag LEB128 int of 1-5 bytes, varlong = the same of 1-10 bytes)
 *   length          varint   bytes that follow this field
 *   attributes      int8     0 (reserved)
 *   timestampDelta  varlong  timestamp - firstTimestamp
 *   offsetDelta     varint   offset - baseOffset, strictly increasing within the batch
 *   keyLength       varint   -1 = null key
 *   key             byte[keyLength]
 *   valueLength     varint   -1 = null value (tombstone)
 *   value           byte[valueLength]
 *   headerCount     varint
 *   headers         headerCount times:
 *     keyLength     varint   >= 0
 *     key           UTF-8 byte[keyLength]
 *     valueLength   varint   -1 = null
 *     value         byte[valueLength]
 * </pre>
 *
 * <p>Why baseOffset sits outside the CRC: a producer encodes its batch once; the broker assigns
 * offsets by patching 8 bytes ({@link #setBaseOffset}) and the CRC stays valid end to end.
 *
 * <p>Invariants: a batch is at most {@link #maxBatchBytes()} long, and so are its records when
 * uncompressed minus the fixed header ({@link #maxRecordsBytes()}); {@link #encode} refuses larger
 * batches so that whatever it produces, {@link #decode} accepts. Decoding trusts nothing: every
 * length is checked against the bytes that remain (or the cap) before anything is allocated, and
 * every malformation is a {@link CorruptRecordBatchException}.
 *
 * <p>Thread-safety: instances are immutable and may be shared; the static methods touch only the
 * buffer given to them.
 */
public final class RecordBatchCodec {

  /** The format version this codec writes and reads. */
  public static final byte MAGIC = 1;

  /** The size of baseOffset and batchLength, which precede what batchLength counts. */
  public static final int LOG_OVERHEAD = 12;

  /** The size of the fixed batch header; the records start here. */
  public static final int HEADER_SIZE = 57;

  /** The decoder's cap on batch size unless another is given: generous, yet bounded. */
  public static final int DEFAULT_MAX_BATCH_BYTES = 32 * 1024 * 1024;

  static final int BASE_OFFSET_OFFSET = 0;
  static final int BATCH_LENGTH_OFFSET = 8;
  static final int MAGIC_OFFSET = 12;
  static final int CRC_OFFSET = 13;
  static final int ATTRIBUTES_OFFSET = 17;
  static final int LAST_OFFSET_DELTA_OFFSET = 19;
  static final int FIRST_TIMESTAMP_OFFSET = 23;
  static final int MAX_TIMESTAMP_OFFSET = 31;
  static final int PRODUCER_ID_OFFSET = 39;
  static final int PRODUCER_EPOCH_OFFSET = 47;
  static final int BASE_SEQUENCE_OFFSET = 49;
  static final int RECORD_COUNT_OFFSET = 53;

  /** The uncompressedSize field in front of compressed records. */
  static final int UNCOMPRESSED_SIZE_BYTES = 4;

  /** The smallest record: seven one-byte fields (length, attributes, deltas, lengths, count). */
  static final int MIN_RECORD_BYTES = 7;

  /** The smallest header: an empty key and a null value. */
  static final int MIN_HEADER_BYTES = 2;

  static final int CODEC_MASK = 0x07;
  private static final int LOG_APPEND_TIME_FLAG = 0x08;
  private static final int KNOWN_ATTRIBUTES = CODEC_MASK | LOG_APPEND_TIME_FLAG;

  private final int maxBatchBytes;

  /** A codec capped at {@link #DEFAULT_MAX_BATCH_BYTES}. */
  public RecordBatchCodec() {
    this(DEFAULT_MAX_BATCH_BYTES);
  }

  /**
   * A codec that encodes and decodes batches of at most {@code maxBatchBytes}.
   *
   * @throws IllegalArgumentException if the cap cannot hold even an empty compressed batch
   */
  public RecordBatchCodec(int maxBatchBytes) {
    if (maxBatchBytes < HEADER_SIZE + UNCOMPRESSED_SIZE_BYTES) {
      throw new IllegalArgumentException(
          "maxBatchBytes too small: maxBatchBytes="
              + maxBatchBytes
              + ", minimum="
              + (HEADER_SIZE + UNCOMPRESSED_SIZE_BYTES));
    }
    this.maxBatchBytes = maxBatchBytes;
  }

  /** The largest encoded batch this codec writes or reads. */
  public int maxBatchBytes() {
    return maxBatchBytes;
  }

  /** The largest records section, before compression, this codec writes or reads. */
  public int maxRecordsBytes() {
    return maxBatchBytes - HEADER_SIZE;
  }

  // ---------------------------------------------------------------- encoding

  /**
   * Encodes a batch. Sizes the records first so that the output is allocated once (plus one buffer
   * for the uncompressed records when compressing).
   *
   * @throws IllegalArgumentException if the records exceed {@link #maxRecordsBytes()} or the
   *     encoded batch exceeds {@link #maxBatchBytes()}
   */
  public byte[] encode(RecordBatch batch) {
    final List<Record> records = batch.records();
    final int count = records.size();
    final long baseOffset = batch.baseOffset();
    final long firstTimestamp = batch.firstTimestamp();
    final int maxRecordsBytes = maxRecordsBytes();
    long recordsBytes = 0;
    for (int i = 0; i < count; i++) {
      Record record = records.get(i);
      recordsBytes +=
          recordSize(
              record.timestamp() - firstTimestamp,
              (int) (record.offset() - baseOffset),
              record.key(),
              record.value(),
              record.headers());
      if (recordsBytes > maxRecordsBytes) {
        throw tooLarge("recordsBytes", recordsBytes);
      }
    }
    final CompressionCodec codec = batch.compression();
    final byte[] out;
    if (codec == CompressionCodec.NONE) {
      out = new byte[HEADER_SIZE + (int) recordsBytes];
      writeRecords(batch, ByteBuffer.wrap(out, HEADER_SIZE, (int) recordsBytes));
    } else {
      byte[] raw = new byte[(int) recordsBytes];
      writeRecords(batch, ByteBuffer.wrap(raw));
      out = compressed(codec, raw, raw.length, false);
    }
    writeHeader(
        out,
        batch.baseOffset(),
        batch.compression(),
        batch.timestampType(),
        batch.lastOffsetDelta(),
        batch.firstTimestamp(),
        batch.maxTimestamp(),
        batch.producerId(),
        batch.producerEpoch(),
        batch.baseSequence(),
        batch.recordCount());
    return out;
  }

  /**
   * A writer of one batch's records, for a producer that adds records while the batch is open and
   * learns its producer fields only when it sends it. What {@link Writer#finish} returns is what
   * {@link #encode} returns for the same records and fields (base offset 0, create time, and the
   * compression the writer chose).
   */
  public Writer writer() {
    return new Writer();
  }

  /**
   * Encodes records as they are added, each at the next offset, into a growing records section;
   * {@link #finish} adds the header (and compresses). Not thread-safe.
   */
  public final class Writer {
    private static final int INITIAL_BYTES = 1024;

    private byte[] records = new byte[INITIAL_BYTES];
    private int size;
    private int count;
    private long firstTimestamp = RecordBatch.NO_TIMESTAMP;
    private long maxTimestamp = RecordBatch.NO_TIMESTAMP;

    private Writer() {}

    /**
     * Adds a record at the next offset.
     *
     * @throws IllegalArgumentException if the records would exceed {@link #maxRecordsBytes()}; the
     *     writer is then unchanged
     */
    public void add(long timestamp, byte[] key, byte[] value, List<Header> headers) {
      long first = count == 0 ? timestamp : firstTimestamp;
      long recordSize = recordSize(timestamp - first, count, key, value, headers);
      if (size + recordSize > maxRecordsBytes()) {
        throw tooLarge("recordsBytes", size + recordSize);
      }
      if (size + recordSize > records.length) {
        records = Arrays.copyOf(records, (int) Math.max(size + recordSize, 2L * records.length));
      }
      ByteBuffer out = ByteBuffer.wrap(records, size, (int) recordSize);
      writeRecord(out, timestamp - first, count, key, value, headers);
      firstTimestamp = first;
      maxTimestamp = Math.max(maxTimestamp, timestamp);
      size += (int) recordSize;
      count++;
    }

    /** How many records were added. */
    public int recordCount() {
      return count;
    }

    /**
     * The encoded batch of the records added so far, at base offset 0. May be called again (with
     * other producer fields, say); the records stay. Records that {@code compression} would not
     * make smaller are stored uncompressed (the batch then says {@code NONE}), so a batch whose
     * records fit always fits.
     */
    public byte[] finish(
        long producerId, short producerEpoch, int baseSequence, CompressionCodec compression) {
      String problem = RecordBatch.producerViolation(producerId, producerEpoch, baseSequence);
      if (problem != null) {
        throw new IllegalArgumentException("Invalid record batch: " + problem);
      }
      byte[] out =
          compression == CompressionCodec.NONE
              ? null
              : compressed(compression, records, size, true);
      CompressionCodec stored = compression;
      if (out == null) {
        // Records that do not shrink (already compressed, random) are stored as they are: that is
        // smaller, and it always fits, where the compressed form could pass maxBatchBytes.
        stored = CompressionCodec.NONE;
        out = new byte[HEADER_SIZE + size];
        System.arraycopy(records, 0, out, HEADER_SIZE, size);
      }
      writeHeader(
          out,
          0,
          stored,
          TimestampType.CREATE_TIME,
          count - 1,
          firstTimestamp,
          maxTimestamp,
          producerId,
          producerEpoch,
          baseSequence,
          count);
      return out;
    }
  }

  /**
   * A batch's bytes, header left blank, with {@code raw}'s first bytes compressed as records; or,
   * {@code onlyIfSmaller}, null when that is not smaller than the records uncompressed.
   */
  private byte[] compressed(
      CompressionCodec codec, byte[] raw, int rawLength, boolean onlyIfSmaller) {
    int compressedStart = HEADER_SIZE + UNCOMPRESSED_SIZE_BYTES;
    byte[] scratch =
        new byte[compressedStart + RecordsCompression.maxCompressedLength(codec, rawLength)];
    int size =
        compressedStart
            + RecordsCompression.compress(codec, raw, rawLength, scratch, compressedStart);
    if (onlyIfSmaller && size >= HEADER_SIZE + rawLength) {
      return null;
    }
    if (size > maxBatchBytes) {
      throw tooLarge("batchBytes", size);
    }
    byte[] out = Arrays.copyOf(scratch, size);
    ByteBuffer.wrap(out).putInt(HEADER_SIZE, rawLength);
    return out;
  }

  private IllegalArgumentException tooLarge(String what, long bytes) {
    return new IllegalArgumentException(
        "Record batch too large: "
            + what
            + "="
            + bytes
            + ", maxBatchBytes="
            + maxBatchBytes
            + ", maxRecordsBytes="
            + maxRecordsBytes());
  }

  /** A record's bytes with its length field; long, so that huge records cannot wrap. */
  private long recordSize(
      long timestampDelta, int offsetDelta, byte[] key, byte[] value, List<Header> headers) {
    long body = bodySize(timestampDelta, offsetDelta, key, value, headers);
    if (body > maxRecordsBytes()) {
      throw tooLarge("recordsBytes", body);
    }
    return Varint.sizeOfVarint((int) body) + body;
  }

  /** The bytes of a record after its length field; long, so that huge records cannot wrap. */
  private static long bodySize(
      long timestampDelta, int offsetDelta, byte[] key, byte[] value, List<Header> headers) {
    long size =
        1
            + Varint.sizeOfVarlong(timestampDelta)
            + Varint.sizeOfVarint(offsetDelta)
            + bytesSize(key)
            + bytesSize(value);
    final int headerCount = headers.size();
    size += Varint.sizeOfVarint(headerCount);
    for (int i = 0; i < headerCount; i++) {
      Header header = headers.get(i);
      int keyLength = Utf8.encodedLength(header.key());
      size += Varint.sizeOfVarint(keyLength) + keyLength + bytesSize(header.value());
    }
    return size;
  }

  private static long bytesSize(byte[] bytes) {
    return bytes == null ? 1 : Varint.sizeOfVarint(bytes.length) + (long) bytes.length;
  }

  private static void writeRecords(RecordBatch batch, ByteBuffer out) {
    final List<Record> records = batch.records();
    final int count = records.size();
    final long baseOffset = batch.baseOffset();
    final long firstTimestamp = batch.firstTimestamp();
    for (int i = 0; i < count; i++) {
      Record record = records.get(i);
      writeRecord(
          out,
          record.timestamp() - firstTimestamp,
          (int) (record.offset() - baseOffset),
          record.key(),
          record.value(),
          record.headers());
    }
  }

  private static void writeRecord(
      ByteBuffer out,
      long timestampDelta,
      int offsetDelta,
      byte[] key,
      byte[] value,
      List<Header> headers) {
    Varint.writeVarint((int) bodySize(timestampDelta, offsetDelta, key, value, headers), out);
    out.put((byte) 0);
    Varint.writeVarlong(timestampDelta, out);
    Varint.writeVarint(offsetDelta, out);
    writeBytes(key, out);
    writeBytes(value, out);
    final int headerCount = headers.size();
    Varint.writeVarint(headerCount, out);
    for (int h = 0; h < headerCount; h++) {
      Header header = headers.get(h);
      Varint.writeVarint(Utf8.encodedLength(header.key()), out);
      Utf8.write(header.key(), out);
      writeBytes(header.value(), out);
    }
  }

  private static void writeBytes(byte[] bytes, ByteBuffer out) {
    if (bytes == null) {
      Varint.writeVarint(-1, out);
    } else {
      Varint.writeVarint(bytes.length, out);
      out.put(bytes);
    }
  }

  private static void writeHeader(
      byte[] out,
      long baseOffset,
      CompressionCodec compression,
      TimestampType timestampType,
      int lastOffsetDelta,
      long firstTimestamp,
      long maxTimestamp,
      long producerId,
      short producerEpoch,
      int baseSequence,
      int recordCount) {
    ByteBuffer header = ByteBuffer.wrap(out);
    int attributes = compression.id();
    if (timestampType == TimestampType.LOG_APPEND_TIME) {
      attributes |= LOG_APPEND_TIME_FLAG;
    }
    header
        .putLong(BASE_OFFSET_OFFSET, baseOffset)
        .putInt(BATCH_LENGTH_OFFSET, out.length - LOG_OVERHEAD)
        .put(MAGIC_OFFSET, MAGIC)
        .putShort(ATTRIBUTES_OFFSET, (short) attributes)
        .putInt(LAST_OFFSET_DELTA_OFFSET, lastOffsetDelta)
        .putLong(FIRST_TIMESTAMP_OFFSET, firstTimestamp)
        .putLong(MAX_TIMESTAMP_OFFSET, maxTimestamp)
        .putLong(PRODUCER_ID_OFFSET, producerId)
        .putShort(PRODUCER_EPOCH_OFFSET, producerEpoch)
        .putInt(BASE_SEQUENCE_OFFSET, baseSequence)
        .putInt(RECORD_COUNT_OFFSET, recordCount);
    CRC32C crc = new CRC32C();
    crc.update(out, ATTRIBUTES_OFFSET, out.length - ATTRIBUTES_OFFSET);
    header.putInt(CRC_OFFSET, (int) crc.getValue());
  }

  // ---------------------------------------------------------------- validation and decoding

  /**
   * Checks the batch that starts at the buffer's position without decoding or decompressing its
   * records: lengths, magic, CRC, attributes, offsets, producer fields, and that the record count
   * and the uncompressed size are possible. Leaves the buffer's position alone.
   *
   * @return the batch's size in bytes
   * @throws CorruptRecordBatchException if any check fails
   */
  public int validate(ByteBuffer buffer) {
    ByteBuffer in = bigEndian(buffer);
    return check(in, in.position());
  }

  /**
   * Decodes the batch that starts at the buffer's position and moves the position past it. The
   * buffer's byte order does not matter.
   *
   * @throws CorruptRecordBatchException if the bytes are not a well-formed batch; the buffer's
   *     position is then unchanged
   */
  public RecordBatch decode(ByteBuffer buffer) {
    final ByteBuffer in = bigEndian(buffer);
    final int start = in.position();
    final int size = check(in, start);
    final short attributes = in.getShort(start + ATTRIBUTES_OFFSET);
    final CompressionCodec codec = CompressionCodec.forId(attributes & CODEC_MASK);
    final long baseOffset = in.getLong(start + BASE_OFFSET_OFFSET);
    final int lastOffsetDelta = in.getInt(start + LAST_OFFSET_DELTA_OFFSET);
    final long firstTimestamp = in.getLong(start + FIRST_TIMESTAMP_OFFSET);
    final int recordCount = in.getInt(start + RECORD_COUNT_OFFSET);
    final RecordsReader reader = new RecordsReader(baseOffset, lastOffsetDelta, firstTimestamp);
    final List<Record> records;
    try {
      ByteBuffer section = in.slice(start + HEADER_SIZE, size - HEADER_SIZE);
      if (codec != CompressionCodec.NONE) {
        int uncompressedSize = section.getInt(0);
        section.position(UNCOMPRESSED_SIZE_BYTES);
        section = ByteBuffer.wrap(RecordsCompression.decompress(codec, section, uncompressedSize));
      }
      records = reader.readAll(section, recordCount);
    } catch (CorruptRecordBatchException e) {
      String where = reader.index < 0 ? "" : "recordIndex=" + reader.index + ", ";
      throw new CorruptRecordBatchException(message(start, where + e.getMessage()), e.getCause());
    }
    buffer.position(start + size);
    return new RecordBatch(
        baseOffset,
        lastOffsetDelta,
        in.getLong(start + PRODUCER_ID_OFFSET),
        in.getShort(start + PRODUCER_EPOCH_OFFSET),
        in.getInt(start + BASE_SEQUENCE_OFFSET),
        firstTimestamp,
        in.getLong(start + MAX_TIMESTAMP_OFFSET),
        (attributes & LOG_APPEND_TIME_FLAG) != 0
            ? TimestampType.LOG_APPEND_TIME
            : TimestampType.CREATE_TIME,
        codec,
        records);
  }

  /** Checks the header of the batch at {@code start}; returns its size. */
  private int check(ByteBuffer in, int start) {
    final int remaining = in.limit() - start;
    if (remaining < HEADER_SIZE) {
      throw corrupt(
          start, "reason=truncated header, remaining=" + remaining + ", headerSize=" + HEADER_SIZE);
    }
    final int batchLength = in.getInt(start + BATCH_LENGTH_OFFSET);
    final long size = LOG_OVERHEAD + (long) batchLength;
    if (size < HEADER_SIZE || size > remaining || size > maxBatchBytes) {
      throw corrupt(
          start,
          "reason=batch length out of range, batchLength="
              + batchLength
              + ", remaining="
              + remaining
              + ", maxBatchBytes="
              + maxBatchBytes);
    }
    final byte magic = in.get(start + MAGIC_OFFSET);
    if (magic != MAGIC) {
      throw corrupt(start, "reason=unknown magic, magic=" + magic + ", expectedMagic=" + MAGIC);
    }
    final long storedCrc = Integer.toUnsignedLong(in.getInt(start + CRC_OFFSET));
    final CRC32C crc = new CRC32C();
    crc.update(in.slice(start + ATTRIBUTES_OFFSET, (int) size - ATTRIBUTES_OFFSET));
    if (crc.getValue() != storedCrc) {
      throw corrupt(
          start, "reason=crc mismatch, storedCrc=" + storedCrc + ", computedCrc=" + crc.getValue());
    }
    final int attributes = in.getShort(start + ATTRIBUTES_OFFSET);
    if ((attributes & ~KNOWN_ATTRIBUTES) != 0) {
      throw corrupt(start, "reason=unknown attribute bits, attributes=" + attributes);
    }
    final CompressionCodec codec;
    try {
      codec = CompressionCodec.forId(attributes & CODEC_MASK);
    } catch (IllegalArgumentException e) {
      throw corrupt(
          start, "reason=unknown compression codec, codecId=" + (attributes & CODEC_MASK));
    }
    final int recordCount = in.getInt(start + RECORD_COUNT_OFFSET);
    String violation =
        recordCount < 0
            ? "reason=negative record count, recordCount=" + recordCount
            : RecordBatch.invariantViolation(
                in.getLong(start + BASE_OFFSET_OFFSET),
                in.getInt(start + LAST_OFFSET_DELTA_OFFSET),
                recordCount);
    if (violation == null) {
      violation =
          RecordBatch.producerViolation(
              in.getLong(start + PRODUCER_ID_OFFSET),
              in.getShort(start + PRODUCER_EPOCH_OFFSET),
              in.getInt(start + BASE_SEQUENCE_OFFSET));
    }
    if (violation != null) {
      throw corrupt(start, violation);
    }
    final int sectionBytes = (int) size - HEADER_SIZE;
    final int recordsBytes;
    if (codec == CompressionCodec.NONE) {
      recordsBytes = sectionBytes;
    } else {
      if (sectionBytes < UNCOMPRESSED_SIZE_BYTES) {
        throw corrupt(
            start, "reason=missing uncompressed size, compressedSectionBytes=" + sectionBytes);
      }
      recordsBytes = in.getInt(start + HEADER_SIZE);
      if (recordsBytes < 0 || recordsBytes > maxRecordsBytes()) {
        throw corrupt(
            start,
            "reason=uncompressed size out of range, uncompressedSize="
                + recordsBytes
                + ", maxRecordsBytes="
                + maxRecordsBytes());
      }
    }
    if ((long) recordCount * MIN_RECORD_BYTES > recordsBytes) {
      throw corrupt(
          start,
          "reason=record count cannot fit, recordCount="
              + recordCount
              + ", recordsBytes="
              + recordsBytes);
    }
    return (int) size;
  }

  private static String message(int batchPosition, String facts) {
    return "Corrupt record batch: batchPosition=" + batchPosition + ", " + facts;
  }

  private static CorruptRecordBatchException corrupt(int batchPosition, String facts) {
    return new CorruptRecordBatchException(message(batchPosition, facts));
  }

  /**
   * Parses a records section. One per decoded batch, so that the UTF-8 decoder for header keys is
   * made at most once per batch and {@link #index} can name the record that failed.
   */
  private static final class RecordsReader {
    private final long baseOffset;
    private final int lastOffsetDelta;
    private final long firstTimestamp;
    private CharsetDecoder utf8;
    private int index = -1;

    RecordsReader(long baseOffset, int lastOffsetDelta, long firstTimestamp) {
      this.baseOffset = baseOffset;
      this.lastOffsetDelta = lastOffsetDelta;
      this.firstTimestamp = firstTimestamp;
    }

    /** Reads exactly {@code count} records that fill {@code in} exactly. */
    List<Record> readAll(ByteBuffer in, int count) {
      // count was checked against the section's size, so this capacity is bounded by the input.
      final List<Record> records = new ArrayList<>(count);
      final int sectionEnd = in.limit();
      int previousDelta = -1;
      for (index = 0; index < count; index++) {
        final int length = Varint.readVarint(in);
        if (length < MIN_RECORD_BYTES - 1 || length > in.remaining()) {
          throw outOfRange("record length", length, in);
        }
        in.limit(in.position() + length);
        if (in.get() != 0) {
          throw new CorruptRecordBatchException(
              "reason=unknown record attributes, position=" + (in.position() - 1));
        }
        final long timestampDelta = Varint.readVarlong(in);
        final int offsetDelta = Varint.readVarint(in);
        if (offsetDelta <= previousDelta || offsetDelta > lastOffsetDelta) {
          throw new CorruptRecordBatchException(
              "reason=offset delta out of order or range, offsetDelta="
                  + offsetDelta
                  + ", previousOffsetDelta="
                  + previousDelta
                  + ", lastOffsetDelta="
                  + lastOffsetDelta);
        }
        previousDelta = offsetDelta;
        final byte[] key = readBytes(in, "key");
        final byte[] value = readBytes(in, "value");
        final List<Header> headers = readHeaders(in);
        if (in.hasRemaining()) {
          throw new CorruptRecordBatchException(
              "reason=trailing bytes in record, trailingBytes="
                  + in.remaining()
                  + ", position="
                  + in.position());
        }
        in.limit(sectionEnd);
        records.add(
            new Record(
                baseOffset + offsetDelta, firstTimestamp + timestampDelta, key, value, headers));
      }
      index = -1;
      if (in.hasRemaining()) {
        throw new CorruptRecordBatchException(
            "reason=trailing bytes after records, trailingBytes="
                + in.remaining()
                + ", recordCount="
                + count);
      }
      return records;
    }

    private List<Header> readHeaders(ByteBuffer in) {
      final int count = Varint.readVarint(in);
      if (count < 0 || count > in.remaining() / MIN_HEADER_BYTES) {
        throw outOfRange("header count", count, in);
      }
      if (count == 0) {
        return List.of();
      }
      if (utf8 == null) {
        utf8 = Utf8.newDecoder();
      }
      final Header[] headers = new Header[count];
      for (int i = 0; i < count; i++) {
        final int keyLength = Varint.readVarint(in);
        if (keyLength < 0 || keyLength > in.remaining()) {
          throw outOfRange("header key length", keyLength, in);
        }
        final String key = Utf8.read(in, keyLength, utf8);
        headers[i] = new Header(key, readBytes(in, "header value"));
      }
      return List.of(headers);
    }

    private static byte[] readBytes(ByteBuffer in, String field) {
      final int length = Varint.readVarint(in);
      if (length == -1) {
        return null;
      }
      if (length < -1 || length > in.remaining()) {
        throw outOfRange(field + " length", length, in);
      }
      final byte[] bytes = new byte[length];
      in.get(bytes);
      return bytes;
    }

    private static CorruptRecordBatchException outOfRange(String field, int value, ByteBuffer in) {
      return new CorruptRecordBatchException(
          "reason="
              + field
              + " out of range, value="
              + value
              + ", remaining="
              + in.remaining()
              + ", position="
              + in.position());
    }
  }

  // ---------------------------------------------------------------- header of an encoded batch

  /** The baseOffset of the encoded batch at the buffer's position. */
  public static long baseOffset(ByteBuffer encoded) {
    return field(encoded, BASE_OFFSET_OFFSET, Long.BYTES).getLong();
  }

  /** The lastOffsetDelta of the encoded batch at the buffer's position. */
  public static int lastOffsetDelta(ByteBuffer encoded) {
    return field(encoded, LAST_OFFSET_DELTA_OFFSET, Integer.BYTES).getInt();
  }

  /** The last offset slot of the encoded batch at the buffer's position. */
  public static long lastOffset(ByteBuffer encoded) {
    return baseOffset(encoded) + lastOffsetDelta(encoded);
  }

  /** The recordCount of the encoded batch at the buffer's position. */
  public static int recordCount(ByteBuffer encoded) {
    return field(encoded, RECORD_COUNT_OFFSET, Integer.BYTES).getInt();
  }

  /** The firstTimestamp of the encoded batch at the buffer's position. */
  public static long firstTimestamp(ByteBuffer encoded) {
    return field(encoded, FIRST_TIMESTAMP_OFFSET, Long.BYTES).getLong();
  }

  /** The maxTimestamp of the encoded batch at the buffer's position. */
  public static long maxTimestamp(ByteBuffer encoded) {
    return field(encoded, MAX_TIMESTAMP_OFFSET, Long.BYTES).getLong();
  }

  /** The producerId of the encoded batch at the buffer's position. */
  public static long producerId(ByteBuffer encoded) {
    return field(encoded, PRODUCER_ID_OFFSET, Long.BYTES).getLong();
  }

  /** The producerEpoch of the encoded batch at the buffer's position. */
  public static short producerEpoch(ByteBuffer encoded) {
    return field(encoded, PRODUCER_EPOCH_OFFSET, Short.BYTES).getShort();
  }

  /** The baseSequence of the encoded batch at the buffer's position. */
  public static int baseSequence(ByteBuffer encoded) {
    return field(encoded, BASE_SEQUENCE_OFFSET, Integer.BYTES).getInt();
  }

  /**
   * The size in bytes of the encoded batch at the buffer's position, read from its first {@link
   * #LOG_OVERHEAD} bytes: what a log reader needs to know how much more to read.
   *
   * @throws CorruptRecordBatchException if the length cannot be that of any batch
   */
  public static int sizeInBytes(ByteBuffer encoded) {
    int batchLength = field(encoded, BATCH_LENGTH_OFFSET, Integer.BYTES).getInt();
    if (batchLength < HEADER_SIZE - LOG_OVERHEAD
        || batchLength > Integer.MAX_VALUE - LOG_OVERHEAD) {
      throw corrupt(
          encoded.position(), "reason=batch length out of range, batchLength=" + batchLength);
    }
    return LOG_OVERHEAD + batchLength;
  }

  /**
   * Assigns the encoded batch at the buffer's position a new base offset, in place. The CRC does
   * not cover the base offset, so the batch stays valid.
   *
   * @throws IllegalArgumentException if the new base offset is negative or the batch's last offset
   *     would overflow
   */
  public static void setBaseOffset(ByteBuffer encoded, long baseOffset) {
    String violation = RecordBatch.invariantViolation(baseOffset, lastOffsetDelta(encoded), 0);
    if (violation != null) {
      throw new IllegalArgumentException("Cannot set base offset: " + violation);
    }
    field(encoded, BASE_OFFSET_OFFSET, Long.BYTES).putLong(baseOffset);
  }

  /**
   * A big-endian view of {@code encoded} positioned at the given header field.
   *
   * @throws CorruptRecordBatchException if the buffer ends before the field does
   */
  private static ByteBuffer field(ByteBuffer encoded, int fieldOffset, int width) {
    if (encoded.remaining() < fieldOffset + width) {
      throw corrupt(
          encoded.position(),
          "reason=truncated header, remaining="
              + encoded.remaining()
              + ", fieldOffset="
              + fieldOffset
              + ", fieldSize="
              + width);
    }
    return encoded
        .duplicate()
        .order(ByteOrder.BIG_ENDIAN)
        .position(encoded.position() + fieldOffset);
  }

  private static ByteBuffer bigEndian(ByteBuffer buffer) {
    return buffer.order() == ByteOrder.BIG_ENDIAN
        ? buffer
        : buffer.duplicate().order(ByteOrder.BIG_ENDIAN);
  }
}
