package dev.runnel.persistence.log;

import static dev.runnel.persistence.log.LogTesting.assertEntries;
import static dev.runnel.persistence.log.LogTesting.await;
import static dev.runnel.persistence.log.LogTesting.entry;
import static dev.runnel.persistence.log.LogTesting.payloadFor;
import static dev.runnel.persistence.log.LogTesting.segmentFiles;
import static dev.runnel.persistence.log.LogTesting.smallSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Rolling, the sparse indexes and retention of whole segments. */
class LogSegmentsTest {

  private static final String ID = "segments";

  @TempDir Path directory;

  @RegisterExtension final LogStoreFixture stores = new LogStoreFixture(2);

  /** Appends 1..n, entry i with timestamp {@code timestamps[i - 1]}. */
  private static void append(LogStore store, long[] timestamps) {
    for (int i = 0; i < timestamps.length; i++) {
      long seq = i + 1;
      await(store.append(ID, List.of(entry(seq, 1, timestamps[i], payloadFor(seq)))));
    }
  }

  private static long[] increasing(int n) {
    long[] timestamps = new long[n];
    for (int i = 0; i < n; i++) {
      timestamps[i] = 10_000 + i * 10L;
    }
    return timestamps;
  }

  private Path logDirectory() {
    return directory.resolve(ID);
  }

  @Test
  void shouldRollBySizeAndNameSegmentsByTheirFirstEntry() throws IOException {
    LogSettings settings = smallSettings(directory, FsyncPolicy.NEVER);
    LogStore store = stores.open(settings);
    append(store, increasing(300));
    Segment[] segments = store.logFor(ID, false).segments();
    assertTrue(segments.length > 5, "segments " + segments.length);
    long expectedBase = 1;
    for (Segment segment : segments) {
      assertEquals(expectedBase, segment.base());
      assertTrue(Files.size(segment.file()) <= settings.segmentBytes());
      assertEquals(
          LogFiles.segmentFileName(segment.base(), LogFiles.LOG_SUFFIX),
          segment.file().getFileName().toString());
      expectedBase = segment.lastSequenceNr() + 1;
    }
  }

  @Test
  void shouldRollByAgeBetweenEntryTimestamps() {
    LogSettings settings =
        new LogSettings(
            directory,
            1 << 20,
            Duration.ofMillis(100),
            256,
            FsyncPolicy.NEVER,
            Duration.ofSeconds(1),
            2048);
    LogStore store = stores.open(settings);
    append(store, new long[] {1_000, 1_050, 1_100, 1_101, 1_150, 1_250, 1_300});
    Segment[] segments = store.logFor(ID, false).segments();
    assertEquals(
        List.of(1L, 4L, 6L), java.util.Arrays.stream(segments).map(Segment::base).toList());
  }

  @Test
  void shouldRollAtTheSegmentSizeOverriddenForOneLogOnly() throws IOException {
    LogSettings settings =
        new LogSettings(
            directory,
            64 * 1024,
            Duration.ofDays(7),
            256,
            FsyncPolicy.NEVER,
            Duration.ofMillis(20),
            2048);
    LogStore store = stores.open(settings);
    store.configureSegments(ID, 1024, Duration.ofDays(7));
    append(store, increasing(100));
    LogTesting.appendEach(store, "other", 1, 100);

    List<Path> files = segmentFiles(logDirectory());
    assertTrue(files.size() >= 5, "segments " + files);
    for (Path file : files) {
      assertTrue(Files.size(file) <= 1024, file + " has " + Files.size(file) + " bytes");
    }
    assertEquals(1, segmentFiles(directory.resolve("other")).size());
    assertEntries(store.read(ID, 1, 100, 100, Integer.MAX_VALUE), LogTesting.range(1, 100));
  }

  @Test
  void shouldRollByAnOverriddenAgeFromTheNextAppendOn() {
    LogStore store = stores.open(smallSettings(directory, FsyncPolicy.NEVER));
    long[] timestamps = increasing(40);
    append(store, Arrays.copyOf(timestamps, 10));
    assertEquals(1, segmentFiles(logDirectory()).size());

    store.configureSegments(ID, 1L << 40, Duration.ofMillis(95));
    for (int i = 10; i < timestamps.length; i++) {
      long seq = i + 1;
      await(store.append(ID, List.of(entry(seq, 1, timestamps[i], payloadFor(seq)))));
    }
    // Entries are 10 ms apart: the segment written before rolls at the next append (it would span
    // 100 ms), and from then on every tenth entry starts a segment.
    List<Long> bases =
        Arrays.stream(store.logFor(ID, false).segments()).map(Segment::base).toList();
    assertEquals(List.of(1L, 11L, 21L, 31L), bases);
  }

  @Test
  void shouldClampSmallSegmentOverridesAndRefuseNonsense() throws IOException {
    LogStore store = stores.open(smallSettings(directory, FsyncPolicy.NEVER));
    store.configureSegments(ID, 10, Duration.ofDays(1));
    append(store, increasing(100));
    List<Path> files = segmentFiles(logDirectory());
    assertTrue(files.size() > 2, "segments " + files);
    // payloadFor(n) for n <= 100: "event-<n>-" and at most 60 x.
    int largestEntry = EntryFormat.entryBytes(10 + 60);
    for (Path file : files.subList(0, files.size() - 1)) {
      long size = Files.size(file);
      assertTrue(
          size > LogSettings.MIN_SEGMENT_BYTES - largestEntry
              && size <= LogSettings.MIN_SEGMENT_BYTES,
          file + ": " + size);
    }

    IllegalArgumentException bytes =
        assertThrows(
            IllegalArgumentException.class,
            () -> store.configureSegments(ID, 0, Duration.ofDays(1)));
    assertTrue(bytes.getMessage().contains("segmentBytes=0"), bytes.getMessage());
    IllegalArgumentException age =
        assertThrows(
            IllegalArgumentException.class,
            () -> store.configureSegments(ID, 4096, Duration.ofMillis(-1)));
    assertTrue(age.getMessage().contains("segmentAge=PT-0.001S"), age.getMessage());
  }

  @Test
  void shouldFindEntriesThroughTheSequenceIndex() {
    LogStore store = stores.open(smallSettings(directory, FsyncPolicy.NEVER));
    append(store, increasing(300));
    for (Segment segment : store.logFor(ID, false).segments()) {
      assertTrue(segment.size() < 4096 || segment.floorPosition(segment.lastSequenceNr()) > 0);
      for (long seq = segment.base(); seq <= segment.lastSequenceNr(); seq++) {
        long position = segment.floorPosition(seq);
        assertTrue(position < segment.size());
        assertEntries(store.read(ID, seq, seq, 1, Integer.MAX_VALUE), seq);
      }
    }
  }

  @Test
  void shouldFindTheFirstEntryAtOrAfterATimestamp() {
    LogStore store = stores.open(smallSettings(directory, FsyncPolicy.NEVER));
    long[] timestamps = new long[300];
    Random random = new Random(7);
    for (int i = 0; i < timestamps.length; i++) {
      timestamps[i] = 1_000 + i * 5L + random.nextInt(40) - 20;
    }
    append(store, timestamps);
    for (long t = 900; t <= 2_600; t += 3) {
      assertEquals(firstAtOrAfter(timestamps, t, 0), store.sequenceNrForTimestamp(ID, t), "t=" + t);
    }
    store.deleteTo(ID, 150);
    assertEquals(firstAtOrAfter(timestamps, 0, 150), store.sequenceNrForTimestamp(ID, 0));
    assertEquals(OptionalLong.empty(), store.sequenceNrForTimestamp(ID, 1_000_000));
  }

  private static OptionalLong firstAtOrAfter(long[] timestamps, long t, long deletedTo) {
    for (int i = (int) deletedTo; i < timestamps.length; i++) {
      if (timestamps[i] >= t) {
        return OptionalLong.of(i + 1);
      }
    }
    return OptionalLong.empty();
  }

  @Test
  void shouldRebuildDeletedOrScribbledIndexes() throws IOException {
    LogSettings settings = smallSettings(directory, FsyncPolicy.NEVER);
    LogStore store = stores.open(settings);
    long[] timestamps = increasing(300);
    append(store, timestamps);
    Segment[] before = store.logFor(ID, false).segments();
    store.close();
    Random random = new Random(3);
    int i = 0;
    for (Segment segment : before) {
      Path index =
          segment
              .file()
              .resolveSibling(LogFiles.segmentFileName(segment.base(), LogFiles.INDEX_SUFFIX));
      Path timeIndex =
          segment
              .file()
              .resolveSibling(LogFiles.segmentFileName(segment.base(), LogFiles.TIME_INDEX_SUFFIX));
      switch (i++ % 4) {
        case 0 -> Files.delete(index);
        case 1 -> scribble(timeIndex, random);
        case 2 -> scribble(index, random);
        default -> Files.write(index, new byte[] {1, 2, 3});
      }
    }
    LogStore reopened = stores.open(settings);
    Segment[] after = reopened.logFor(ID, false).segments();
    assertEquals(before.length, after.length);
    for (int s = 0; s < after.length; s++) {
      assertEquals(before[s].size(), after[s].size());
      assertTrue(Files.exists(indexOf(after[s])), "index rewritten for segment " + s);
    }
    long[] all = new long[300];
    for (int seq = 1; seq <= 300; seq++) {
      all[seq - 1] = seq;
      assertEntries(reopened.read(ID, seq, seq, 1, Integer.MAX_VALUE), seq);
    }
    assertEntries(reopened.read(ID, 1, 300, 1000, Integer.MAX_VALUE), all);
    assertEquals(OptionalLong.of(150), reopened.sequenceNrForTimestamp(ID, timestamps[149]));
  }

  private static Path indexOf(Segment segment) {
    return segment
        .file()
        .resolveSibling(LogFiles.segmentFileName(segment.base(), LogFiles.INDEX_SUFFIX));
  }

  private static void scribble(Path file, Random random) throws IOException {
    long size = Files.size(file);
    if (size == 0) {
      Files.write(file, new byte[] {9, 9, 9, 9, 9, 9, 9, 9});
      return;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      byte[] noise = new byte[4];
      random.nextBytes(noise);
      channel.write(ByteBuffer.wrap(noise), random.nextLong(Math.max(1, size - 4)));
    }
  }

  @Test
  void shouldDeleteWholeOldSegmentsButNeverTheActiveOne() {
    LogStore store = stores.open(smallSettings(directory, FsyncPolicy.NEVER));
    append(store, increasing(300));
    Segment[] segments = store.logFor(ID, false).segments();
    long total = store.sizeInBytes(ID);

    RetentionResult below = store.deleteSegmentsBelow(ID, segments[2].base() + 1);
    assertEquals(
        new RetentionResult(2, segments[0].size() + segments[1].size(), segments[2].base()), below);
    assertEquals(segments[2].base(), store.logStartSequenceNr(ID));
    assertEntries(store.read(ID, 1, segments[2].base(), 10, Integer.MAX_VALUE), segments[2].base());

    long cutoff = 10_000 + (segments[3].lastSequenceNr() - 1) * 10 + 1;
    RetentionResult old = store.deleteSegmentsOlderThan(ID, cutoff);
    assertEquals(2, old.segmentsDeleted());
    assertEquals(segments[4].base(), old.logStartSequenceNr());

    long keep = segments[segments.length - 1].size() + segments[segments.length - 2].size();
    RetentionResult size = store.deleteSegmentsBeyondSize(ID, keep);
    assertEquals(segments[segments.length - 2].base(), size.logStartSequenceNr());
    assertEquals(keep, store.sizeInBytes(ID));
    assertTrue(total > keep);

    RetentionResult all = store.deleteSegmentsBeyondSize(ID, 0);
    assertEquals(1, all.segmentsDeleted(), "the active segment stays");
    assertEquals(300, store.highestSequenceNr(ID));
    assertEquals(1, store.logFor(ID, false).segments().length);
    assertEquals(
        segments.length - 1, Arrays.stream(segments).filter(s -> !Files.exists(s.file())).count());
  }

  @Test
  void shouldLetAReaderSkipASegmentDeletedUnderIt() throws IOException {
    LogStore store = stores.open(smallSettings(directory, FsyncPolicy.NEVER));
    append(store, increasing(300));
    SegmentedLog log = store.logFor(ID, false);
    Segment first = log.segments()[0];
    first.channel().close();
    List<LogEntry> read = store.read(ID, 1, 300, 1000, Integer.MAX_VALUE);
    assertEquals(log.segments()[1].base(), read.get(0).firstSequenceNr());
    assertEquals(300, read.get(read.size() - 1).firstSequenceNr());
  }
}
