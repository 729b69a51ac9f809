package dev.runnel.persistence.log;

import static dev.runnel.persistence.log.LogTesting.appendEach;
import static dev.runnel.persistence.log.LogTesting.assertEntries;
import static dev.runnel.persistence.log.LogTesting.await;
import static dev.runnel.persistence.log.LogTesting.awaitFailure;
import static dev.runnel.persistence.log.LogTesting.entry;
import static dev.runnel.persistence.log.LogTesting.payloadFor;
import static dev.runnel.persistence.log.LogTesting.range;
import static dev.runnel.persistence.log.LogTesting.smallSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Write failures fail their appends with a named exception and never damage the log. */
class LogFailureTest {

  private static final String ID = "failing";

  @TempDir Path directory;

  @RegisterExtension final LogStoreFixture stores = new LogStoreFixture(2);

  private LogStore open() {
    return stores.open(smallSettings(directory, FsyncPolicy.ALWAYS));
  }

  @Test
  void shouldCutBackAFailedRollAndKeepWorking() throws IOException {
    LogStore store = open();
    appendEach(store, ID, 1, 10);
    SegmentedLog log = store.logFor(ID, false);
    long activeSize = log.activeSegment().size();
    // A directory where the next segment file must go makes creating it fail.
    List<LogEntry> rolling = new ArrayList<>();
    long seq = 11;
    for (long bytes = activeSize; bytes < 4096 + 200; seq++) {
      rolling.add(entry(seq, payloadFor(seq)));
      bytes += EntryFormat.entryBytes(payloadFor(seq).length());
    }
    long firstInNext = findRollPoint(activeSize, 11, seq);
    Files.createDirectory(
        directory.resolve(ID).resolve(LogFiles.segmentFileName(firstInNext, LogFiles.LOG_SUFFIX)));

    Throwable failure = awaitFailure(store.append(ID, rolling));
    assertInstanceOf(LogWriteException.class, failure);
    assertTrue(failure.getMessage().contains("persistenceId=" + ID), failure.getMessage());
    assertEquals(10, store.highestSequenceNr(ID));
    assertEquals(activeSize, log.activeSegment().size());
    assertEquals(activeSize, Files.size(log.activeSegment().file()), "file cut back");

    Files.delete(
        directory.resolve(ID).resolve(LogFiles.segmentFileName(firstInNext, LogFiles.LOG_SUFFIX)));
    appendEach(store, ID, 11, seq + 5);
    assertEntries(store.read(ID, 1, Long.MAX_VALUE, 1000, Integer.MAX_VALUE), range(1, seq + 5));
  }

  /**
   * The first sequence nr that no longer fits in a segment of 4096 bytes now holding {@code size}.
   */
  private static long findRollPoint(long size, long from, long to) {
    long bytes = size;
    for (long seq = from; seq < to; seq++) {
      bytes += EntryFormat.entryBytes(payloadFor(seq).length());
      if (bytes > 4096) {
        return seq;
      }
    }
    throw new AssertionError("no roll between " + from + " and " + to);
  }

  @Test
  void shouldFailTheLogWhenItsFileBreaksAndRecoverOnReopen() throws IOException {
    LogStore store = open();
    appendEach(store, ID, 1, 10);
    store.logFor(ID, false).activeSegment().channel().close();

    Throwable failure = awaitFailure(store.append(ID, List.of(entry(11, payloadFor(11)))));
    assertInstanceOf(LogWriteException.class, failure);
    Throwable later = awaitFailure(store.append(ID, List.of(entry(11, payloadFor(11)))));
    assertInstanceOf(LogFailedException.class, later);
    assertTrue(later.getMessage().contains("persistenceId=" + ID), later.getMessage());
    assertEquals(10, store.highestSequenceNr(ID));
    await(store.append("other", List.of(entry(1, "unaffected"))));
    store.close();

    LogStore reopened = open();
    assertEntries(reopened.read(ID, 1, Long.MAX_VALUE, 100, Integer.MAX_VALUE), range(1, 10));
    appendEach(reopened, ID, 11, 12);
    assertEntries(reopened.read(ID, 10, Long.MAX_VALUE, 100, Integer.MAX_VALUE), 10, 11, 12);
  }
}
