package dev.runnel.persistence.log;

import static dev.runnel.persistence.log.LogTesting.appendEach;
import static dev.runnel.persistence.log.LogTesting.assertEntries;
import static dev.runnel.persistence.log.LogTesting.await;
import static dev.runnel.persistence.log.LogTesting.entry;
import static dev.runnel.persistence.log.LogTesting.payloadFor;
import static dev.runnel.persistence.log.LogTesting.range;
import static dev.runnel.persistence.log.LogTesting.smallSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class LogRecoveryTest {

  private static final String ID = "recovering";

  @TempDir Path directory;

  @RegisterExtension final LogStoreFixture stores = new LogStoreFixture(2);

  private LogStore open(Path root) {
    return stores.open(smallSettings(root, FsyncPolicy.NEVER));
  }

  /** Appends entries 1..n one per append and returns a copy of the files as a crash left them. */
  private Path crashImage(int n) {
    appendEach(open(directory.resolve("live")), ID, 1, n);
    Path image = directory.resolve("image");
    copy(directory.resolve("live"), image);
    return image;
  }

  /** The segments a store opening {@code root} finds; the store is closed again. */
  private Segment[] segmentsOf(Path root) {
    LogStore probe = open(root);
    Segment[] segments = probe.logFor(ID, false).segments();
    probe.close();
    return segments;
  }

  private static void copy(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.sorted().toList()) {
        Files.copy(file, to.resolve(from.relativize(file).toString()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path lastSegment(Path root) throws IOException {
    Path log = root.resolve(ID);
    try (Stream<Path> files = Files.list(log)) {
      return files
          .filter(file -> file.toString().endsWith(LogFiles.LOG_SUFFIX))
          .max(Comparator.naturalOrder())
          .orElseThrow();
    }
  }

  /** The last sequence nr whose entry ends at or before {@code cut} in the segment at base. */
  private static long lastEntryBefore(long base, long cut) {
    long end = 0;
    long seq = base;
    while (true) {
      end += EntryFormat.entryBytes(payloadFor(seq).length());
      if (end > cut) {
        return seq - 1;
      }
      seq++;
    }
  }

  @Test
  void shouldCutACorruptEarlierSegmentAndDropEveryLaterOne() throws IOException {
    Path image = crashImage(150);
    Segment[] segments = segmentsOf(image);
    Segment damaged = segments[1];
    long corruptSeq = damaged.base() + 3;
    long position = 0;
    for (long seq = damaged.base(); seq < corruptSeq; seq++) {
      position += EntryFormat.entryBytes(payloadFor(seq).length());
    }
    flipByte(damaged.file(), position + EntryFormat.HEADER_BYTES + 2);
    Files.delete(
        damaged
            .file()
            .resolveSibling(LogFiles.segmentFileName(damaged.base(), LogFiles.INDEX_SUFFIX)));

    LogStore store = open(image);
    assertEquals(corruptSeq - 1, store.highestSequenceNr(ID));
    assertEntries(
        store.read(ID, 1, Long.MAX_VALUE, 1000, Integer.MAX_VALUE), range(1, corruptSeq - 1));
    for (int i = 2; i < segments.length; i++) {
      assertTrue(Files.notExists(segments[i].file()), "later segment deleted: " + segments[i]);
    }
    await(store.append(ID, List.of(entry(corruptSeq, payloadFor(corruptSeq)))));
    assertEntries(store.read(ID, corruptSeq, corruptSeq, 1, Integer.MAX_VALUE), corruptSeq);
  }

  @Test
  void shouldDropASegmentWhoseNameDoesNotMatchItsFirstEntry() throws IOException {
    Path image = crashImage(150);
    Segment[] segments = segmentsOf(image);
    Segment renamed = segments[2];
    Files.move(
        renamed.file(),
        renamed
            .file()
            .resolveSibling(LogFiles.segmentFileName(renamed.base() + 1, LogFiles.LOG_SUFFIX)));

    LogStore store = open(image);
    assertEquals(segments[1].lastSequenceNr(), store.highestSequenceNr(ID));
    assertEntries(
        store.read(ID, 1, Long.MAX_VALUE, 1000, Integer.MAX_VALUE),
        range(1, segments[1].lastSequenceNr()));
    assertEquals(2, store.logFor(ID, false).segments().length);
  }

  private static void flipByte(Path file, long position) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, position);
      one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
      channel.write(one, position);
    }
  }

  @Test
  void shouldRecoverEverythingWrittenBeforeACrash() {
    Path image = crashImage(150);
    LogStore store = open(image);
    assertEquals(150, store.highestSequenceNr(ID));
    assertEntries(store.read(ID, 1, Long.MAX_VALUE, 1000, Integer.MAX_VALUE), range(1, 150));
    await(store.append(ID, List.of(entry(151, payloadFor(151)))));
    assertEntries(store.read(ID, 150, 151, 10, Integer.MAX_VALUE), 150, 151);
  }

  @Test
  void shouldCutTornOrScribbledTailsAtAnyPositionAndContinue() throws IOException {
    Path image = crashImage(150);
    Path segment = image.relativize(lastSegment(image));
    long segmentBase = LogFiles.parseSegmentFileName(segment.getFileName().toString(), ".log");
    long segmentSize = Files.size(image.resolve(segment));
    Random random = new Random(42);
    for (int round = 0; round < 40; round++) {
      Path copy = directory.resolve("round-" + round);
      copy(image, copy);
      long cut = random.nextInt((int) segmentSize);
      boolean garbage = random.nextBoolean();
      try (FileChannel channel =
          FileChannel.open(copy.resolve(segment), StandardOpenOption.WRITE)) {
        channel.truncate(cut);
        if (garbage) {
          byte[] noise = new byte[1 + random.nextInt(200)];
          random.nextBytes(noise);
          channel.write(ByteBuffer.wrap(noise), cut);
        }
      }
      LogStore store = open(copy);
      long highest = store.highestSequenceNr(ID);
      assertEquals(
          lastEntryBefore(segmentBase, cut),
          highest,
          "round " + round + ": cut at " + cut + " keeps exactly the entries before it");
      assertEntries(store.read(ID, 1, Long.MAX_VALUE, 1000, Integer.MAX_VALUE), range(1, highest));
      await(store.append(ID, List.of(entry(highest + 1, payloadFor(highest + 1)))));
      assertEntries(
          store.read(ID, highest, Long.MAX_VALUE, 10, Integer.MAX_VALUE),
          range(Math.max(1, highest), highest + 1));
      store.close();
      assertEquals(highest + 1, open(copy).highestSequenceNr(ID), "round " + round);
    }
  }
}
