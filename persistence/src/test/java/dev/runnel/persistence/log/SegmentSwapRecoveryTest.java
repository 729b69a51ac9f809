package dev.runnel.persistence.log;

import static dev.runnel.persistence.log.LogTesting.appendEach;
import static dev.runnel.persistence.log.LogTesting.assertEntries;
import static dev.runnel.persistence.log.LogTesting.range;
import static dev.runnel.persistence.log.LogTesting.smallSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery of a cleaned-segment swap a crash interrupted, at each of its steps, on files made the
 * way the cleaner makes them: a cleaned copy of the first two segments (here a copy that removed
 * nothing, which is a valid cleaned copy) under the names the protocol uses.
 */
class SegmentSwapRecoveryTest {

  private static final String ID = "swapping";
  private static final long ENTRIES = 120;

  @TempDir Path root;

  @RegisterExtension final LogStoreFixture stores = new LogStoreFixture(2);

  /** Writes the log, closes it and returns the bases of its segments. */
  private List<Long> writeLog() throws IOException {
    LogStore store = stores.open(smallSettings(root, FsyncPolicy.NEVER));
    appendEach(store, ID, 1, ENTRIES);
    store.close();
    List<Long> bases = bases(".log");
    assertTrue(bases.size() >= 3, "the log needs three segments: " + bases);
    return bases;
  }

  private Path log() {
    return root.resolve(LogFiles.directoryName(ID));
  }

  private Path file(long base, String suffix) {
    return log().resolve(LogFiles.segmentFileName(base, suffix));
  }

  private List<Long> bases(String suffix) throws IOException {
    try (Stream<Path> files = Files.list(log())) {
      return files
          .map(file -> LogFiles.parseSegmentFileName(file.getFileName().toString(), suffix))
          .filter(base -> base > 0)
          .sorted()
          .toList();
    }
  }

  /** The first two segments back to back under {@code <first base><suffix>}. */
  private void cleanedCopy(List<Long> bases, String suffix) throws IOException {
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    copy.write(Files.readAllBytes(file(bases.get(0), LogFiles.LOG_SUFFIX)));
    copy.write(Files.readAllBytes(file(bases.get(1), LogFiles.LOG_SUFFIX)));
    Files.write(file(bases.get(0), suffix), copy.toByteArray());
  }

  private void assertRecovered(List<Long> expectedBases) throws IOException {
    LogStore store = stores.open(smallSettings(root, FsyncPolicy.NEVER));
    assertEntries(store.read(ID, 1, Long.MAX_VALUE, 10_000, Integer.MAX_VALUE), range(1, ENTRIES));
    store.close();
    assertEquals(expectedBases, bases(".log"));
    assertEquals(List.of(), bases(LogFiles.CLEANED_SUFFIX));
    assertEquals(List.of(), bases(LogFiles.SWAP_SUFFIX));
  }

  @Test
  void shouldDeleteACleanedFileThatWasNeverCommitted() throws IOException {
    List<Long> bases = writeLog();
    cleanedCopy(bases, LogFiles.CLEANED_SUFFIX);
    assertRecovered(bases);
  }

  @Test
  void shouldFinishACommittedSwapBeforeAnyOldSegmentWasDeleted() throws IOException {
    List<Long> bases = writeLog();
    cleanedCopy(bases, LogFiles.SWAP_SUFFIX);
    assertRecovered(without(bases, 1));
  }

  @Test
  void shouldFinishACommittedSwapAfterSomeOldSegmentsWereDeleted() throws IOException {
    List<Long> bases = writeLog();
    cleanedCopy(bases, LogFiles.SWAP_SUFFIX);
    Files.delete(file(bases.get(0), LogFiles.LOG_SUFFIX));
    Files.delete(file(bases.get(0), LogFiles.INDEX_SUFFIX));
    assertRecovered(without(bases, 1));
  }

  @Test
  void shouldFinishACommittedSwapAfterEveryOldSegmentWasDeleted() throws IOException {
    List<Long> bases = writeLog();
    cleanedCopy(bases, LogFiles.SWAP_SUFFIX);
    for (int i = 0; i < 2; i++) {
      Files.delete(file(bases.get(i), LogFiles.LOG_SUFFIX));
      Files.deleteIfExists(file(bases.get(i), LogFiles.INDEX_SUFFIX));
      Files.deleteIfExists(file(bases.get(i), LogFiles.TIME_INDEX_SUFFIX));
    }
    assertRecovered(without(bases, 1));
  }

  private static List<Long> without(List<Long> bases, int index) {
    List<Long> rest = new ArrayList<>(bases);
    rest.remove(index);
    return rest;
  }
}
