package dev.runnel.persistence.log;

import static dev.runnel.persistence.log.LogTesting.await;
import static dev.runnel.persistence.log.LogTesting.entry;
import static dev.runnel.persistence.log.LogTesting.smallSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.persistence.record.BatchCompaction.RecordVisitor;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** When a log is due for cleaning: its dirty ratio and Kafka's lags. */
class CleaningTest {

  private static final String ID = "dirty";
  private static final long NOW = 10_000_000;

  /** Entries whose records the dirty ratio never looks at. */
  private static final EntryCompactor NO_RECORDS =
      new EntryCompactor() {
        @Override
        public void scan(LogEntry entry, RecordVisitor visitor) {}

        @Override
        public ByteBuffer retain(LogEntry entry, RecordVisitor keep) {
          return null;
        }
      };

  @TempDir Path directory;

  @RegisterExtension final LogStoreFixture stores = new LogStoreFixture(1);

  /** A log of 4 KiB segments holding entries 1..n stamped {@code timestamp}. */
  private SegmentedLog log(int n, long timestamp) {
    LogStore store = stores.open(smallSettings(directory, FsyncPolicy.NEVER));
    for (long seq = 1; seq <= n; seq++) {
      await(store.append(ID, List.of(entry(seq, 1, timestamp, "x".repeat(300)))));
    }
    return store.logFor(ID, false);
  }

  private static CompactionPolicy policy(long minLag, long maxLag, double ratio) {
    return new CompactionPolicy(NO_RECORDS, minLag, maxLag, ratio, 0);
  }

  @Test
  void shouldCountEverySegmentButTheActiveOneDirtyBeforeTheFirstCleaning() {
    SegmentedLog log = log(60, NOW - 1_000);
    assertEquals(1.0, Cleaning.dirtyRatio(log, policy(0, Long.MAX_VALUE, 0.5), NOW));
  }

  @Test
  void shouldCountOnlyTheSegmentsFromTheFirstDirtyOneAsDirty() {
    SegmentedLog log = log(60, NOW - 1_000);
    Segment[] segments = log.view().segments();
    log.checkpoint(CleanerCheckpoint.NONE.advance(segments[2].base(), NOW));
    long total = 0;
    long dirty = 0;
    for (int i = 0; i < segments.length - 1; i++) {
      total += segments[i].size();
      dirty += i >= 2 ? segments[i].size() : 0;
    }
    assertEquals(
        (double) dirty / total, Cleaning.dirtyRatio(log, policy(0, Long.MAX_VALUE, 0.5), NOW));
  }

  @Test
  void shouldBeDueWhateverTheRatioOnceTheMaximumLagPassed() {
    SegmentedLog log = log(60, NOW - 1_000);
    Segment[] segments = log.view().segments();
    log.checkpoint(CleanerCheckpoint.NONE.advance(segments[segments.length - 2].base(), NOW));
    assertEquals(2.0, Cleaning.dirtyRatio(log, policy(0, 999, 0.5), NOW));
    assertTrue(Cleaning.dirtyRatio(log, policy(0, 1_000, 0.5), NOW) < 0.5, "lag not passed yet");
  }

  @Test
  void shouldFindNothingCleanableYoungerThanTheMinimumLag() {
    SegmentedLog log = log(60, NOW - 1_000);
    assertEquals(-1.0, Cleaning.dirtyRatio(log, policy(1_001, Long.MAX_VALUE, 0.5), NOW));
    assertEquals(1.0, Cleaning.dirtyRatio(log, policy(1_000, Long.MAX_VALUE, 0.5), NOW));
  }
}
