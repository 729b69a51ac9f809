package dev.runnel.persistence.log;

import static dev.runnel.persistence.log.LogTesting.assertEntries;
import static dev.runnel.persistence.log.LogTesting.await;
import static dev.runnel.persistence.log.LogTesting.entry;
import static dev.runnel.persistence.log.LogTesting.payloadFor;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogRecoveryTest {

  private static final String ID = "recovering";

  @TempDir Path directory;

  private final ExecutorService io = Executors.newFixedThreadPool(2);
  private final List<LogStore> stores = new ArrayList<>();

  @AfterEach
  void tearDown() {
    stores.forEach(LogStore::close);
    io.shutdownNow();
  }

  private LogStore open(Path root) {
    LogStore store = LogStore.open(smallSettings(root, FsyncPolicy.NEVER), io);
    stores.add(store);
    return store;
  }

  /** Appends entries 1..n one per append and returns a copy of the files as a crash left them. */
  private Path crashImage(int n) {
    LogStore store = open(directory.resolve("live"));
    for (long seq = 1; seq <= n; seq++) {
      await(store.append(ID, List.of(entry(seq, payloadFor(seq)))));
    }
    Path image = directory.resolve("image");
    copy(directory.resolve("live"), image);
    return image;
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

  private static long[] range(long from, long to) {
    long[] sequenceNrs = new long[(int) Math.max(0, to - from + 1)];
    for (int i = 0; i < sequenceNrs.length; i++) {
      sequenceNrs[i] = from + i;
    }
    return sequenceNrs;
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
      assertTrue(
          highest >= segmentBase - 1 && highest < 150,
          "round " + round + ": cut at " + cut + " keeps entries before it, highest " + highest);
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
