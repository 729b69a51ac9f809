package dev.runnel.actors.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class OffsetIndexTest {

  /** Batches of 10 offsets and 100 bytes, timestamp 1000 * batch number; an entry every 250 B. */
  private static OffsetIndex index(int batches) {
    OffsetIndex index = OffsetIndex.empty();
    for (int i = 0; i < batches; i++) {
      long maxBefore = i == 0 ? Long.MIN_VALUE : 1000L * (i - 1);
      index = index.withBatch(new OffsetIndex.Entry(10L * i, i + 1, 100L * i, maxBefore), 250);
    }
    return index;
  }

  @Test
  void shouldKeepOneEntryPerIntervalOfBytes() {
    OffsetIndex index = index(10);

    assertEquals(
        List.of(0L, 30L, 60L, 90L), index.entries().stream().map(e -> e.offset()).toList());
    assertSame(index, index.withBatch(new OffsetIndex.Entry(100, 11, 1000, 9000), 10_000));
  }

  @Test
  void shouldFindTheFloorEntryAsATreeMapDoes() {
    Random random = new Random(42);
    OffsetIndex index = OffsetIndex.empty();
    TreeMap<Long, Long> oracle = new TreeMap<>();
    long offset = 0;
    long position = 0;
    for (int i = 1; i <= 500; i++) {
      OffsetIndex.Entry entry = new OffsetIndex.Entry(offset, i, position, i);
      OffsetIndex next = index.withBatch(entry, 300);
      if (next != index) {
        oracle.put(offset, (long) i);
      }
      index = next;
      offset += 1 + random.nextInt(20);
      position += 1 + random.nextInt(200);
    }
    for (long probe = 0; probe < offset + 5; probe++) {
      Map.Entry<Long, Long> expected = oracle.floorEntry(probe);
      OffsetIndex.Entry actual = index.floor(probe);
      assertEquals(expected.getValue(), actual.sequenceNr(), "offset=" + probe);
    }
  }

  @Test
  void shouldDropEntriesBelowAnOffset() {
    OffsetIndex index = index(10).dropBelow(60);

    assertEquals(List.of(60L, 90L), index.entries().stream().map(e -> e.offset()).toList());
    assertNull(index.floor(59));
    assertEquals(0, index.dropBelow(100).size());
  }

  @Test
  void shouldFindWhereRetentionMayStart() {
    OffsetIndex index = index(10);

    // Entries at offsets 0, 30, 60, 90: max timestamps before them -inf, 2000, 5000, 8000.
    assertEquals(30, index.retentionStartByTime(4_000));
    assertEquals(60, index.retentionStartByTime(5_001));
    assertEquals(0, index.retentionStartByTime(-5));
    // Positions 0, 300, 600, 900 of a log ending at 1000.
    assertEquals(60, index.retentionStartBySize(1000, 400));
    assertEquals(90, index.retentionStartBySize(1000, 100));
    assertEquals(-1, index.retentionStartBySize(1000, 1001));
  }

  @Test
  void shouldStartATimestampSearchAtTheLastEntryBeforeWhichAllIsOlder() {
    OffsetIndex index = index(10);

    assertEquals(0, index.searchStart(0).offset());
    assertEquals(30, index.searchStart(2_001).offset());
    assertEquals(90, index.searchStart(100_000).offset());
    assertNull(OffsetIndex.empty().searchStart(0));
  }
}
