package dev.runnel.persistence.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Both sparse indexes against a TreeMap, through growth, files, truncation and bad files. */
class SparseIndexTest {

  private static final int POINTS = 100;
  private static final long SEGMENT_BYTES = 1_000_000;

  /** Point i at relative sequence nr 3i, position 100i, with timestamp 1000 + 10i. */
  private static SequenceIndex sequenceIndex() {
    SequenceIndex index = new SequenceIndex();
    for (int i = 1; i <= POINTS; i++) {
      index.append(3 * i, 100 * i);
    }
    return index;
  }

  private static TimeIndex timeIndex() {
    TimeIndex index = new TimeIndex();
    for (int i = 1; i <= POINTS; i++) {
      index.append(1_000 + 10L * i, 3 * i);
    }
    return index;
  }

  @Test
  void shouldFindTheFloorOfEveryKeyThroughGrowthAndAReload() {
    TreeMap<Long, Integer> positions = new TreeMap<>();
    TreeMap<Long, Integer> scanStarts = new TreeMap<>();
    for (int i = 1; i <= POINTS; i++) {
      positions.put(3L * i, 100 * i);
      scanStarts.put(1_000 + 10L * i, 3 * i);
    }
    SequenceIndex sequences = sequenceIndex();
    TimeIndex times = timeIndex();
    SequenceIndex reloadedSequences = SequenceIndex.decode(sequences.unflushed(), SEGMENT_BYTES);
    TimeIndex reloadedTimes = TimeIndex.decode(times.unflushed(), reloadedSequences);
    assertEquals(POINTS, reloadedSequences.count());
    assertEquals(POINTS, reloadedTimes.count());
    for (long r = 0; r <= 3 * POINTS + 2; r++) {
      var floor = positions.floorEntry(r);
      int expected = floor == null ? 0 : floor.getValue();
      assertEquals(expected, sequences.floorPosition(r), "r=" + r);
      assertEquals(expected, reloadedSequences.floorPosition(r), "reloaded r=" + r);
    }
    for (long t = 990; t <= 1_000 + 10 * POINTS + 10; t++) {
      var below = scanStarts.lowerEntry(t);
      int expected = below == null ? 0 : below.getValue();
      assertEquals(expected, times.scanStart(t), "t=" + t);
      assertEquals(expected, reloadedTimes.scanStart(t), "reloaded t=" + t);
    }
    assertEquals(1_000 + 10L * POINTS, reloadedTimes.lastTimestamp());
  }

  @Test
  void shouldFlushOnlyNewEntriesAndForgetTruncatedOnes() {
    SequenceIndex index = sequenceIndex();
    assertEquals(POINTS * SequenceIndex.ENTRY_BYTES, index.unflushed().remaining());
    assertEquals(POINTS * SequenceIndex.ENTRY_BYTES, index.flushedBytes());
    index.truncate(40);
    assertEquals(40 * SequenceIndex.ENTRY_BYTES, index.flushedBytes());
    assertEquals(0, index.unflushed().remaining());
    index.append(3 * 41 - 1, 100 * 41);
    ByteBuffer added = index.unflushed();
    assertEquals(SequenceIndex.ENTRY_BYTES, added.remaining());
    assertEquals(3 * 41 - 1, added.getInt());
    assertEquals(41, index.count());
    assertEquals(100 * 40, index.floorPosition(3 * 41 - 2));
  }

  @Test
  void shouldRejectFilesThatBreakTheirInvariants() {
    SequenceIndex sequences = sequenceIndex();
    assertNull(SequenceIndex.decode(ByteBuffer.allocate(SequenceIndex.ENTRY_BYTES + 1), 100));
    assertNull(SequenceIndex.decode(ByteBuffer.allocate(8).putInt(0).putInt(10).flip(), 100));
    assertNull(SequenceIndex.decode(ByteBuffer.allocate(8).putInt(1).putInt(100).flip(), 100));
    assertNull(
        SequenceIndex.decode(
            ByteBuffer.allocate(16).putInt(2).putInt(10).putInt(2).putInt(20).flip(), 100));
    assertNull(
        SequenceIndex.decode(
            ByteBuffer.allocate(16).putInt(1).putInt(20).putInt(2).putInt(20).flip(), 100));
    assertEquals(
        1, SequenceIndex.decode(ByteBuffer.allocate(8).putInt(1).putInt(99).flip(), 100).count());

    assertNull(TimeIndex.decode(ByteBuffer.allocate(TimeIndex.ENTRY_BYTES - 1), sequences));
    assertNull(TimeIndex.decode(ByteBuffer.allocate(12).putLong(5).putInt(4).flip(), sequences));
    assertNull(
        TimeIndex.decode(
            ByteBuffer.allocate(12).putLong(Long.MIN_VALUE).putInt(3).flip(), sequences));
    assertNull(
        TimeIndex.decode(
            ByteBuffer.allocate(24).putLong(5).putInt(3).putLong(5).putInt(6).flip(), sequences));
    assertNull(
        TimeIndex.decode(
            ByteBuffer.allocate(24).putLong(5).putInt(6).putLong(6).putInt(3).flip(), sequences));
    assertEquals(
        2,
        TimeIndex.decode(
                ByteBuffer.allocate(24).putLong(5).putInt(3).putLong(6).putInt(6).flip(), sequences)
            .count());
  }
}
