package dev.runnel.persistence.record;

import static dev.runnel.persistence.record.EncodedBatches.fixLengthAndCrc;
import static dev.runnel.persistence.record.EncodedBatches.hex;
import static dev.runnel.persistence.record.EncodedBatches.withRecordsSection;
import static dev.runnel.persistence.record.RecordBatchCodec.ATTRIBUTES_OFFSET;
import static dev.runnel.persistence.record.RecordBatchCodec.BATCH_LENGTH_OFFSET;
import static dev.runnel.persistence.record.RecordBatchCodec.HEADER_SIZE;
import static dev.runnel.persistence.record.RecordBatchCodec.MAGIC_OFFSET;
import static dev.runnel.persistence.record.RecordBatchCodec.RECORD_COUNT_OFFSET;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class RecordBatchCodecTest {

  private final RecordBatchCodec codec = new RecordBatchCodec();

  /** The golden batch: two records, one with a header, one null-keyed tombstone. */
  private static final String GOLDEN =
      """
      0000000000000005 | 00000041 | 01 | c5efcae7 | 0000 | 00000001
      00000000000003e8 | 00000000000003ea | 0000000000000007 | 0001 | 00000000 | 00000002
      18 00 00 00 02 6b 02 76 02 02 68 02 78
      0c 00 04 02 01 01 00
      """;

  private static RecordBatch goldenBatch() {
    return RecordBatch.builder(5)
        .producer(7, (short) 1, 0)
        .add(1000, bytes("k"), bytes("v"), List.of(new Header("h", bytes("x"))))
        .add(1002, null, null)
        .build();
  }

  @Test
  void shouldEncodeTheDocumentedByteLayout() {
    byte[] encoded = codec.encode(goldenBatch());

    assertArrayEquals(hex(GOLDEN), encoded);
    assertEquals(goldenBatch(), codec.decode(ByteBuffer.wrap(hex(GOLDEN))));
  }

  @ParameterizedTest
  @EnumSource(CompressionCodec.class)
  void shouldWriteRecordByRecordWhatEncodeWritesForTheWholeBatch(CompressionCodec compression) {
    Random random = new Random(7);
    for (int round = 0; round < 50; round++) {
      RecordBatch.Builder builder = RecordBatch.builder(0).compression(compression);
      RecordBatchCodec.Writer writer = codec.writer();
      int records = random.nextInt(40);
      long timestamp = 1_700_000_000_000L;
      for (int i = 0; i < records; i++) {
        timestamp += random.nextInt(2000) - 500; // deltas of both signs
        byte[] key = random.nextBoolean() ? null : new byte[random.nextInt(30)];
        byte[] value = random.nextInt(8) == 0 ? null : new byte[random.nextInt(3000)];
        if (value != null && random.nextInt(4) == 0) {
          random.nextBytes(value); // incompressible: some batches are stored uncompressed
        }
        List<Header> headers =
            random.nextBoolean() ? List.of() : List.of(new Header("h€" + i, bytes("v")));
        builder.add(timestamp, key, value, headers);
        writer.add(timestamp, key, value, headers);
      }
      boolean idempotent = random.nextBoolean();
      if (idempotent) {
        builder.producer(42, (short) 0, round);
      }

      byte[] written =
          idempotent
              ? writer.finish(42, (short) 0, round, compression)
              : writer.finish(
                  RecordBatch.NO_PRODUCER_ID,
                  RecordBatch.NO_PRODUCER_EPOCH,
                  RecordBatch.NO_SEQUENCE,
                  compression);

      CompressionCodec chosen = codec.decode(ByteBuffer.wrap(written)).compression();
      assertTrue(
          chosen == compression || chosen == CompressionCodec.NONE,
          "round=" + round + " " + chosen);
      assertArrayEquals(
          codec.encode(builder.compression(chosen).build()), written, "round=" + round);
      assertEquals(records, writer.recordCount());
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = CompressionCodec.class,
      names = {"NONE"},
      mode = EnumSource.Mode.EXCLUDE)
  void shouldStoreRecordsThatCompressionWouldGrowUncompressedSoThatAFullBatchStillFits(
      CompressionCodec compression) {
    RecordBatchCodec small = new RecordBatchCodec(HEADER_SIZE + 4000);
    RecordBatchCodec.Writer incompressible = small.writer();
    byte[] random = new byte[3900];
    new Random(11).nextBytes(random);
    incompressible.add(1, null, random, List.of());

    byte[] stored = incompressible.finish(-1, (short) -1, -1, compression);

    RecordBatch decoded = small.decode(ByteBuffer.wrap(stored));
    assertEquals(CompressionCodec.NONE, decoded.compression());
    assertArrayEquals(random, decoded.records().get(0).value());
    assertTrue(stored.length <= small.maxBatchBytes(), "fits: " + stored.length);

    RecordBatchCodec.Writer compressible = small.writer();
    compressible.add(1, null, new byte[3900], List.of());
    byte[] compressed = compressible.finish(-1, (short) -1, -1, compression);
    assertEquals(compression, small.decode(ByteBuffer.wrap(compressed)).compression());
    assertTrue(compressed.length < 1000, "compressed: " + compressed.length);
  }

  @Test
  void shouldLeaveTheWriterAsItWasWhenARecordDoesNotFit() {
    RecordBatchCodec small = new RecordBatchCodec(HEADER_SIZE + 100);
    RecordBatchCodec.Writer writer = small.writer();
    writer.add(1, null, new byte[50], List.of());

    assertThrows(
        IllegalArgumentException.class, () -> writer.add(2, null, new byte[50], List.of()));

    assertEquals(1, writer.recordCount());
    assertEquals(
        small.encode(RecordBatch.builder(0).add(1, null, new byte[50]).build()).length,
        writer.finish(-1, (short) -1, -1, CompressionCodec.NONE).length);
  }

  @ParameterizedTest
  @EnumSource(CompressionCodec.class)
  void shouldRoundTripNullKeysTombstonesAndHeaders(CompressionCodec compression) {
    RecordBatch batch =
        RecordBatch.builder(42)
            .compression(compression)
            .producer(123_456_789_000L, (short) 3, 17)
            .add(1_700_000_000_000L, bytes("key"), bytes("value"))
            .add(1_700_000_000_005L, null, bytes("unkeyed"))
            .add(1_699_999_999_000L, bytes("gone"), null)
            .add(
                1_700_000_000_001L,
                new byte[0],
                new byte[0],
                List.of(
                    new Header("trace-id", bytes("abc")),
                    new Header("", null),
                    new Header("schlüssel \uD83D\uDE00", new byte[0])))
            .build();

    assertRoundTrip(batch);
  }

  @ParameterizedTest
  @EnumSource(CompressionCodec.class)
  void shouldRoundTripAnEmptyBatch(CompressionCodec compression) {
    assertRoundTrip(RecordBatch.builder(0).compression(compression).build());
  }

  @ParameterizedTest
  @EnumSource(CompressionCodec.class)
  void shouldRoundTripLargeValues(CompressionCodec compression) {
    byte[] random = new byte[1 << 20];
    new Random(1).nextBytes(random);
    byte[] repetitive = new byte[3 << 20];
    Arrays.fill(repetitive, (byte) 'r');

    assertRoundTrip(
        RecordBatch.builder(0)
            .compression(compression)
            .add(1, bytes("random"), random)
            .add(2, repetitive, bytes("small"))
            .build());
  }

  @ParameterizedTest
  @EnumSource(CompressionCodec.class)
  void shouldRoundTripTimestampsBefore1970AndAtTheExtremes(CompressionCodec compression) {
    assertRoundTrip(
        RecordBatch.builder(0)
            .compression(compression)
            .timestampType(TimestampType.LOG_APPEND_TIME)
            .add(-1, null, null)
            .add(-2_208_988_800_000L, null, null)
            .add(Long.MAX_VALUE, null, null)
            .add(Long.MIN_VALUE, null, null)
            .build());
  }

  @Test
  void shouldRoundTripACompactedBatchWithGaps() {
    RecordBatch compacted =
        new RecordBatch(
            100,
            9,
            -1,
            (short) -1,
            -1,
            5,
            50,
            TimestampType.CREATE_TIME,
            CompressionCodec.NONE,
            List.of(new Record(103, 7, bytes("a"), null), new Record(109, 9, bytes("b"), null)));

    assertRoundTrip(compacted);
  }

  @Test
  void shouldDecodeBatchesBackToBackAndAdvanceThePosition() {
    byte[] first = codec.encode(goldenBatch());
    byte[] second = codec.encode(goldenBatch().withBaseOffset(7));
    ByteBuffer log = ByteBuffer.allocate(first.length + second.length + 3);
    log.put(first).put(second).flip();

    assertEquals(5, codec.decode(log).baseOffset());
    assertEquals(first.length, log.position());
    assertEquals(7, codec.decode(log).baseOffset());
    assertFalse(log.hasRemaining());
  }

  @Test
  void shouldDecodeDirectReadOnlyAndLittleEndianBuffers() {
    for (CompressionCodec compression : CompressionCodec.values()) {
      RecordBatch batch =
          RecordBatch.builder(3).compression(compression).add(1, null, bytes("v")).build();
      byte[] encoded = codec.encode(batch);
      ByteBuffer direct = ByteBuffer.allocateDirect(encoded.length + 2);
      direct.position(2);
      direct.put(encoded).position(2);

      assertEquals(batch, codec.decode(direct));
      assertEquals(batch, codec.decode(ByteBuffer.wrap(encoded).asReadOnlyBuffer()));
      assertEquals(batch, codec.decode(ByteBuffer.wrap(encoded).order(ByteOrder.LITTLE_ENDIAN)));
    }
  }

  @Test
  void shouldReadHeaderFieldsWithoutDecoding() {
    ByteBuffer encoded = ByteBuffer.wrap(codec.encode(goldenBatch()));

    assertEquals(5, RecordBatchCodec.baseOffset(encoded));
    assertEquals(1, RecordBatchCodec.lastOffsetDelta(encoded));
    assertEquals(6, RecordBatchCodec.lastOffset(encoded));
    assertEquals(2, RecordBatchCodec.recordCount(encoded));
    assertEquals(1000, RecordBatchCodec.firstTimestamp(encoded));
    assertEquals(1002, RecordBatchCodec.maxTimestamp(encoded));
    assertEquals(7, RecordBatchCodec.producerId(encoded));
    assertEquals(1, RecordBatchCodec.producerEpoch(encoded));
    assertEquals(0, RecordBatchCodec.baseSequence(encoded));
    assertEquals(77, RecordBatchCodec.sizeInBytes(encoded));
    assertEquals(77, codec.validate(encoded));
    assertEquals(0, encoded.position());
  }

  @ParameterizedTest
  @EnumSource(CompressionCodec.class)
  void shouldKeepTheCrcValidWhenTheBaseOffsetIsSet(CompressionCodec compression) {
    RecordBatch batch =
        RecordBatch.builder(0)
            .compression(compression)
            .add(1, null, bytes("a"))
            .add(2, null, bytes("b"))
            .build();
    ByteBuffer encoded = ByteBuffer.wrap(codec.encode(batch));

    RecordBatchCodec.setBaseOffset(encoded, 1_000_000);

    assertEquals(encoded.limit(), codec.validate(encoded));
    assertEquals(1_000_000, RecordBatchCodec.baseOffset(encoded));
    assertEquals(batch.withBaseOffset(1_000_000), codec.decode(encoded));
  }

  @Test
  void shouldRefuseABaseOffsetThatIsNegativeOrOverflows() {
    ByteBuffer encoded = ByteBuffer.wrap(codec.encode(goldenBatch()));

    assertThrows(IllegalArgumentException.class, () -> RecordBatchCodec.setBaseOffset(encoded, -1));
    assertThrows(
        IllegalArgumentException.class,
        () -> RecordBatchCodec.setBaseOffset(encoded, Long.MAX_VALUE));
    assertEquals(5, RecordBatchCodec.baseOffset(encoded));
  }

  @Test
  void shouldRefuseToEncodeABatchLargerThanTheCap() {
    RecordBatchCodec small = new RecordBatchCodec(1024);
    RecordBatch tooLarge = RecordBatch.builder(0).add(0, null, new byte[1024]).build();

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> small.encode(tooLarge));
    assertTrue(e.getMessage().contains("maxBatchBytes=1024"), e.getMessage());
  }

  // ------------------------------------------------------------ corruption, one kind per test

  @Test
  void shouldRefuseACrcMismatch() {
    byte[] encoded = hex(GOLDEN);
    encoded[encoded.length - 3] ^= 0x10;

    assertCorrupt(encoded, "reason=crc mismatch", "storedCrc=3320826599");
  }

  @Test
  void shouldRefuseAnUnknownMagic() {
    byte[] encoded = hex(GOLDEN);
    encoded[MAGIC_OFFSET] = 2;

    assertCorrupt(encoded, "reason=unknown magic", "magic=2");
  }

  @Test
  void shouldRefuseUnknownAttributeBits() {
    byte[] encoded = hex(GOLDEN);
    encoded[ATTRIBUTES_OFFSET] = 0x01;

    assertCorrupt(fixLengthAndCrc(encoded), "reason=unknown attribute bits", "attributes=256");
  }

  @Test
  void shouldRefuseKafkaCodecsRunnelDoesNotSupport() {
    byte[] encoded = hex(GOLDEN);
    encoded[ATTRIBUTES_OFFSET + 1] = 1;

    assertCorrupt(fixLengthAndCrc(encoded), "reason=unknown compression codec", "codecId=1");
  }

  @Test
  void shouldRefuseImpossibleBatchLengths() {
    for (int length : new int[] {-1, 0, 44, 66, Integer.MAX_VALUE}) {
      byte[] encoded = hex(GOLDEN);
      ByteBuffer.wrap(encoded).putInt(BATCH_LENGTH_OFFSET, length);

      assertCorrupt(encoded, "reason=batch length out of range", "batchLength=" + length);
    }
  }

  @Test
  void shouldRefuseTruncatedInput() {
    byte[] golden = hex(GOLDEN);
    for (int length = 0; length < golden.length; length++) {
      assertCorrupt(
          Arrays.copyOf(golden, length),
          length < HEADER_SIZE ? "reason=truncated header" : "reason=batch length out of range");
    }
  }

  @Test
  void shouldRefuseABatchLargerThanTheDecodersCap() {
    assertCorrupt(new RecordBatchCodec(70), hex(GOLDEN), "maxBatchBytes=70");
  }

  @Test
  void shouldRefuseARecordCountThatCannotFit() {
    byte[] negative = hex(GOLDEN);
    ByteBuffer.wrap(negative).putInt(RECORD_COUNT_OFFSET, -1);
    assertCorrupt(fixLengthAndCrc(negative), "reason=negative record count");

    byte[] huge = hex(GOLDEN);
    ByteBuffer.wrap(huge).putInt(RECORD_COUNT_OFFSET, Integer.MAX_VALUE);
    ByteBuffer.wrap(huge).putInt(RecordBatchCodec.LAST_OFFSET_DELTA_OFFSET, Integer.MAX_VALUE);
    assertCorrupt(fixLengthAndCrc(huge), "reason=record count cannot fit", "recordsBytes=20");
  }

  @Test
  void shouldRefuseFewerRecordsThanCounted() {
    byte[] encoded = hex(GOLDEN);
    ByteBuffer.wrap(encoded).putInt(RECORD_COUNT_OFFSET, 1);

    assertCorrupt(
        fixLengthAndCrc(encoded), "reason=trailing bytes after records", "trailingBytes=7");
  }

  @Test
  void shouldRefuseMoreRecordsThanPresent() {
    byte[] encoded = hex(GOLDEN);
    ByteBuffer.wrap(encoded).putInt(RecordBatchCodec.LAST_OFFSET_DELTA_OFFSET, 5);
    byte[] section = hex("18 00 00 00 02 6b 02 76 02 02 68 02 78 0c 00 04 02 01 01 00 0c 00 04");
    ByteBuffer.wrap(encoded).putInt(RECORD_COUNT_OFFSET, 3);

    assertCorrupt(
        withRecordsSection(encoded, section),
        "recordIndex=2",
        "reason=record length out of range",
        "value=6, remaining=2");
  }

  @Test
  void shouldRefuseTrailingBytesInsideARecord() {
    byte[] section = hex("1a 00 00 00 02 6b 02 76 02 02 68 02 78 ff 0c 00 04 02 01 01 00");

    assertCorrupt(
        withRecordsSection(hex(GOLDEN), section),
        "recordIndex=0",
        "reason=trailing bytes in record");
  }

  @Test
  void shouldRefuseRecordLengthsBeyondTheSection() {
    byte[] section = hex("7e 00 00 00 02 6b 02 76 02 02 68 02 78 0c 00 04 02 01 01 00");

    assertCorrupt(
        withRecordsSection(hex(GOLDEN), section), "reason=record length out of range", "value=63");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "18 00 00 00 12 6b 02 76 02 02 68 02 78 | reason=key length out of range, value=9",
        "18 00 00 00 03 6b 02 76 02 02 68 02 78 | reason=key length out of range, value=-2",
        "18 00 00 00 02 6b 7e 76 02 02 68 02 78 | reason=value length out of range, value=63",
        "18 00 00 00 02 6b 02 76 7e 02 68 02 78 | reason=header count out of range, value=63",
        "18 00 00 00 02 6b 02 76 02 7e 68 02 78 | reason=header key length out of range",
        "18 00 00 00 02 6b 02 76 02 02 68 7e 78 | reason=header value length out of range"
      })
  void shouldRefuseLengthsBeyondTheRecord(String firstRecord, String fact) {
    byte[] section = hex(firstRecord + "0c 00 04 02 01 01 00");

    assertCorrupt(withRecordsSection(hex(GOLDEN), section), "recordIndex=0", fact);
  }

  @Test
  void shouldRefuseOverlongVarints() {
    byte[] section =
        hex("1a 00 00 ff ff ff ff 1f 6b 02 76 02 02 68 02 78" + "0c 00 04 02 01 01 00");

    assertCorrupt(withRecordsSection(hex(GOLDEN), section), "reason=varint longer than 5 bytes");
  }

  @Test
  void shouldRefuseOffsetDeltasOutOfOrderOrRange() {
    String first = "18 00 00 00 02 6b 02 76 02 02 68 02 78";
    assertCorrupt(
        withRecordsSection(hex(GOLDEN), hex(first + "0c 00 04 00 01 01 00")),
        "recordIndex=1",
        "reason=offset delta out of order or range");
    assertCorrupt(
        withRecordsSection(hex(GOLDEN), hex(first + "0c 00 04 04 01 01 00")),
        "offsetDelta=2, previousOffsetDelta=0, lastOffsetDelta=1");
  }

  @Test
  void shouldRefuseUnknownRecordAttributes() {
    byte[] section = hex("18 00 00 00 02 6b 02 76 02 02 68 02 78 0c 01 04 02 01 01 00");

    assertCorrupt(withRecordsSection(hex(GOLDEN), section), "reason=unknown record attributes");
  }

  @Test
  void shouldRefuseMalformedUtf8InHeaderKeys() {
    byte[] section = hex("18 00 00 00 02 6b 02 76 02 02 c3 02 78 0c 00 04 02 01 01 00");

    assertCorrupt(withRecordsSection(hex(GOLDEN), section), "reason=malformed UTF-8");
  }

  @ParameterizedTest
  @EnumSource(
      value = CompressionCodec.class,
      names = {"LZ4", "ZSTD"})
  void shouldRefuseUndecompressableRecords(CompressionCodec compression) {
    byte[] encoded = EncodedBatches.compress(hex(GOLDEN), compression);
    byte[] truncated = Arrays.copyOf(encoded, encoded.length - 3);

    assertCorrupt(
        fixLengthAndCrc(truncated),
        "reason=decompression failed",
        "codec=" + compression.configName());
  }

  @ParameterizedTest
  @EnumSource(
      value = CompressionCodec.class,
      names = {"LZ4", "ZSTD"})
  void shouldRefuseAWrongUncompressedSize(CompressionCodec compression) {
    byte[] encoded = EncodedBatches.compress(hex(GOLDEN), compression);
    ByteBuffer.wrap(encoded).putInt(HEADER_SIZE, 30);
    assertCorrupt(fixLengthAndCrc(encoded), "uncompressedSize=30");

    ByteBuffer.wrap(encoded).putInt(HEADER_SIZE, 1 << 30);
    assertCorrupt(fixLengthAndCrc(encoded), "reason=uncompressed size out of range");

    ByteBuffer.wrap(encoded).putInt(HEADER_SIZE, -5);
    assertCorrupt(fixLengthAndCrc(encoded), "uncompressedSize=-5");
  }

  @Test
  void shouldNotMoveThePositionWhenDecodingFails() {
    ByteBuffer corrupt = ByteBuffer.wrap(hex(GOLDEN));
    corrupt.put(MAGIC_OFFSET, (byte) 9);

    assertThrows(CorruptRecordBatchException.class, () -> codec.decode(corrupt));
    assertEquals(0, corrupt.position());
  }

  private void assertRoundTrip(RecordBatch batch) {
    byte[] encoded = codec.encode(batch);

    assertEquals(encoded.length, codec.validate(ByteBuffer.wrap(encoded)));
    assertEquals(encoded.length, RecordBatchCodec.sizeInBytes(ByteBuffer.wrap(encoded)));
    assertEquals(batch, codec.decode(ByteBuffer.wrap(encoded)));
  }

  private void assertCorrupt(byte[] encoded, String... facts) {
    assertCorrupt(codec, encoded, facts);
  }

  private static void assertCorrupt(RecordBatchCodec codec, byte[] encoded, String... facts) {
    CorruptRecordBatchException e =
        assertThrows(
            CorruptRecordBatchException.class, () -> codec.decode(ByteBuffer.wrap(encoded)));
    assertTrue(
        e.getMessage().startsWith("Corrupt record batch: batchPosition=0, "), e.getMessage());
    for (String fact : facts) {
      assertTrue(e.getMessage().contains(fact), e.getMessage());
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }
}
