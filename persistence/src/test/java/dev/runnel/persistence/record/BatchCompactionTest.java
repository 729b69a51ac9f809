package dev.runnel.persistence.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BatchCompactionTest {

  private static final RecordBatchCodec CODEC = new RecordBatchCodec();

  private static byte[] utf8(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  /** Base offset 100, producer 7/1/40, records k0=v0, k1=null, null=v2, k3=v3 with a header. */
  private static byte[] batch(CompressionCodec codec) {
    return CODEC.encode(
        RecordBatch.builder(100)
            .producer(7, (short) 1, 40)
            .compression(codec)
            .add(1_000, utf8("k0"), utf8("v0"))
            .add(1_001, utf8("k1"), null)
            .add(1_002, null, utf8("v2"))
            .add(1_003, utf8("k3"), utf8("v3"), List.of(new Header("h", utf8("x"))))
            .build());
  }

  @ParameterizedTest
  @EnumSource(CompressionCodec.class)
  void shouldVisitEveryRecordWithItsKeyOffsetTimestampAndTombstoneFlag(CompressionCodec codec) {
    List<String> seen = new ArrayList<>();
    int count =
        BatchCompaction.scan(
            ByteBuffer.wrap(batch(codec)),
            (records, keyOffset, keyLength, offset, timestamp, tombstone) -> {
              String key =
                  keyLength < 0
                      ? "null"
                      : StandardCharsets.UTF_8
                          .decode(records.slice(keyOffset, keyLength))
                          .toString();
              seen.add(key + "@" + offset + "/" + timestamp + (tombstone ? "/tombstone" : ""));
              return true;
            });
    assertEquals(4, count);
    assertEquals(
        List.of("k0@100/1000", "k1@101/1001/tombstone", "null@102/1002", "k3@103/1003"), seen);
    assertTrue(BatchCompaction.hasNullKey(ByteBuffer.wrap(batch(codec))));
  }

  @ParameterizedTest
  @EnumSource(CompressionCodec.class)
  void shouldKeepOffsetsTimestampsAndProducerFieldsOfARewrittenBatch(CompressionCodec codec) {
    RecordBatch original = CODEC.decode(ByteBuffer.wrap(batch(codec)));
    byte[] kept =
        BatchCompaction.retain(
            ByteBuffer.wrap(batch(codec)),
            (records, keyOffset, keyLength, offset, timestamp, tombstone) -> offset == 103);

    RecordBatch rewritten = CODEC.decode(ByteBuffer.wrap(kept)); // checks CRC and layout
    assertEquals(1, rewritten.recordCount());
    assertEquals(original.records().get(3), rewritten.records().get(0));
    assertEquals(100, rewritten.baseOffset());
    assertEquals(3, rewritten.lastOffsetDelta());
    assertEquals(original.firstTimestamp(), rewritten.firstTimestamp());
    assertEquals(original.maxTimestamp(), rewritten.maxTimestamp());
    assertEquals(7, rewritten.producerId());
    assertEquals(1, rewritten.producerEpoch());
    assertEquals(40, rewritten.baseSequence());
    assertEquals(codec, rewritten.compression());
    assertFalse(BatchCompaction.hasNullKey(ByteBuffer.wrap(kept)));
  }

  @ParameterizedTest
  @EnumSource(CompressionCodec.class)
  void shouldLeaveAnEmptyUncompressedBatchCoveringTheSameOffsets(CompressionCodec codec) {
    byte[] empty =
        BatchCompaction.retain(
            ByteBuffer.wrap(batch(codec)),
            (records, keyOffset, keyLength, offset, timestamp, tombstone) -> false);

    RecordBatch rewritten = CODEC.decode(ByteBuffer.wrap(empty));
    assertEquals(0, rewritten.recordCount());
    assertEquals(103, rewritten.lastOffset());
    assertEquals(CompressionCodec.NONE, rewritten.compression());
    assertEquals(RecordBatchCodec.HEADER_SIZE, empty.length);
  }

  @ParameterizedTest
  @EnumSource(CompressionCodec.class)
  void shouldAnswerNullWhenEveryRecordIsKept(CompressionCodec codec) {
    assertNull(
        BatchCompaction.retain(
            ByteBuffer.wrap(batch(codec)),
            (records, keyOffset, keyLength, offset, timestamp, tombstone) -> true));
  }
}
