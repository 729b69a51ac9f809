package dev.runnel.persistence.record;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class RecordBatchTest {

  @Test
  void shouldAssignConsecutiveOffsetsAndComputeTimestamps() {
    RecordBatch batch =
        RecordBatch.builder(100)
            .add(50, null, "a".getBytes(UTF_8))
            .add(70, null, "b".getBytes(UTF_8))
            .add(60, null, "c".getBytes(UTF_8))
            .build();

    assertEquals(List.of(100L, 101L, 102L), batch.records().stream().map(Record::offset).toList());
    assertEquals(3, batch.recordCount());
    assertEquals(2, batch.lastOffsetDelta());
    assertEquals(102, batch.lastOffset());
    assertEquals(50, batch.firstTimestamp());
    assertEquals(70, batch.maxTimestamp());
    assertEquals(TimestampType.CREATE_TIME, batch.timestampType());
    assertEquals(CompressionCodec.NONE, batch.compression());
    assertEquals(RecordBatch.NO_PRODUCER_ID, batch.producerId());
  }

  @Test
  void shouldDescribeAnEmptyBatchWithoutTimestamps() {
    RecordBatch batch = RecordBatch.builder(7).build();

    assertEquals(0, batch.recordCount());
    assertEquals(-1, batch.lastOffsetDelta());
    assertEquals(6, batch.lastOffset());
    assertEquals(RecordBatch.NO_TIMESTAMP, batch.firstTimestamp());
    assertEquals(RecordBatch.NO_TIMESTAMP, batch.maxTimestamp());
  }

  @Test
  void shouldKeepTimestampsBefore1970() {
    RecordBatch batch =
        RecordBatch.builder(0).add(-1, null, null).add(-86_400_000, null, null).build();

    assertEquals(-1, batch.firstTimestamp());
    assertEquals(-1, batch.maxTimestamp());
  }

  @Test
  void shouldMoveRecordsWithTheBaseOffset() {
    RecordBatch batch =
        RecordBatch.builder(0)
            .producer(9, (short) 2, 40)
            .add(1, "k".getBytes(UTF_8), null)
            .add(2, null, null)
            .build();

    RecordBatch moved = batch.withBaseOffset(1000);

    assertEquals(1000, moved.baseOffset());
    assertEquals(1001, moved.lastOffset());
    assertEquals(List.of(1000L, 1001L), moved.records().stream().map(Record::offset).toList());
    assertEquals(batch, moved.withBaseOffset(0));
  }

  @Test
  void shouldAllowGapsLeftByCompaction() {
    Record kept = new Record(13, 5, null, null);

    RecordBatch compacted = batch(10, 5, List.of(kept));

    assertEquals(15, compacted.lastOffset());
    assertEquals(1, compacted.recordCount());
  }

  @Test
  void shouldRefuseOffsetsOutsideTheBatchOrOutOfOrder() {
    assertRefused(() -> batch(10, 1, List.of(new Record(9, 0, null, null))), "offset=9");
    assertRefused(() -> batch(10, 1, List.of(new Record(12, 0, null, null))), "offset=12");
    assertRefused(
        () -> batch(10, 5, List.of(new Record(12, 0, null, null), new Record(11, 0, null, null))),
        "previousOffset=12");
    assertRefused(() -> batch(-1, 0, List.of()), "baseOffset=-1");
    assertRefused(() -> batch(Long.MAX_VALUE, 1, List.of()), "last offset overflows");
    assertRefused(
        () -> batch(0, 0, List.of(new Record(0, 0, null, null), new Record(1, 0, null, null))),
        "lastOffsetDelta=0, recordCount=2");
  }

  @Test
  void shouldRefuseNegativeProducerFieldsOtherThanNone() {
    assertThrows(
        IllegalArgumentException.class,
        () -> RecordBatch.builder(0).producer(-2, (short) 0, 0).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> RecordBatch.builder(0).producer(1, (short) -2, 0).build());
  }

  private static void assertRefused(Executable construction, String fact) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construction);
    assertTrue(e.getMessage().contains(fact), e.getMessage());
  }

  private static RecordBatch batch(long baseOffset, int lastOffsetDelta, List<Record> records) {
    return new RecordBatch(
        baseOffset,
        lastOffsetDelta,
        -1,
        (short) -1,
        -1,
        0,
        0,
        TimestampType.CREATE_TIME,
        CompressionCodec.NONE,
        records);
  }
}
