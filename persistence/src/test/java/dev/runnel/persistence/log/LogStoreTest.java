package dev.runnel.persistence.log;

import static dev.runnel.persistence.log.LogTesting.assertEntries;
import static dev.runnel.persistence.log.LogTesting.await;
import static dev.runnel.persistence.log.LogTesting.awaitFailure;
import static dev.runnel.persistence.log.LogTesting.entry;
import static dev.runnel.persistence.log.LogTesting.payloadFor;
import static dev.runnel.persistence.log.LogTesting.range;
import static dev.runnel.persistence.log.LogTesting.segmentFiles;
import static dev.runnel.persistence.log.LogTesting.smallSettings;
import static dev.runnel.persistence.log.LogTesting.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class LogStoreTest {

  @TempDir Path directory;

  @RegisterExtension final LogStoreFixture stores = new LogStoreFixture(4);

  private LogStore open(FsyncPolicy policy) {
    return stores.open(smallSettings(directory, policy));
  }

  private static void appendRange(LogStore store, String id, long from, long to) {
    List<LogEntry> entries = new ArrayList<>();
    for (long seq = from; seq <= to; seq++) {
      entries.add(entry(seq, payloadFor(seq)));
    }
    await(store.append(id, entries));
  }

  @Test
  void shouldReadWhatWasAppendedAcrossSegmentsAndReopen() {
    LogStore store = open(FsyncPolicy.ALWAYS);
    appendRange(store, "a", 1, 200);
    assertEquals(200, store.highestSequenceNr("a"));
    assertTrue(store.logFor("a", false).segments().length > 3, "rolled by size");
    assertEntries(store.read("a", 57, 60, 100, Integer.MAX_VALUE), 57, 58, 59, 60);
    store.close();

    LogStore reopened = open(FsyncPolicy.ALWAYS);
    assertEquals(200, reopened.highestSequenceNr("a"));
    List<LogEntry> all = reopened.read("a", 1, Long.MAX_VALUE, 1000, Integer.MAX_VALUE);
    assertEquals(200, all.size());
    for (int i = 0; i < 200; i++) {
      assertEquals(payloadFor(i + 1), text(all.get(i).payload()));
    }
    appendRange(reopened, "a", 201, 210);
    assertEntries(
        reopened.read("a", 199, 300, 100, Integer.MAX_VALUE),
        199,
        200,
        201,
        202,
        203,
        204,
        205,
        206,
        207,
        208,
        209,
        210);
  }

  @Test
  void shouldLimitReadsByEntriesAndBytesButReturnOneEntryAtLeast() {
    LogStore store = open(FsyncPolicy.NEVER);
    appendRange(store, "a", 1, 20);
    assertEntries(store.read("a", 5, 20, 3, Integer.MAX_VALUE), 5, 6, 7);
    assertEntries(store.read("a", 5, 20, 100, 1), 5);
    int twoEntries = payloadFor(5).length() + payloadFor(6).length();
    assertEntries(store.read("a", 5, 20, 100, twoEntries), 5, 6);
    assertEquals(List.of(), store.read("a", 21, 30, 100, Integer.MAX_VALUE));
  }

  @Test
  void shouldReturnEntriesOverlappingTheRangeWhenEntriesCoverSeveralSequenceNrs() {
    LogStore store = open(FsyncPolicy.NEVER);
    await(store.append("a", List.of(entry(1, 5, 10, "one"), entry(6, 5, 11, "two"))));
    await(store.append("a", List.of(entry(20, 1, 12, "three"))));
    List<LogEntry> read = store.read("a", 8, 20, 10, Integer.MAX_VALUE);
    assertEquals(List.of(6L, 20L), read.stream().map(LogEntry::firstSequenceNr).toList());
    assertEquals(20, store.highestSequenceNr("a"));
  }

  @Test
  void shouldRejectSequenceNrsThatDoNotIncreaseAndWriteNothingOfThem() {
    LogStore store = open(FsyncPolicy.ALWAYS);
    appendRange(store, "a", 1, 5);
    Throwable overlap = awaitFailure(store.append("a", List.of(entry(5, "dup"))));
    assertInstanceOf(IllegalArgumentException.class, overlap);
    assertTrue(overlap.getMessage().contains("firstSequenceNr=5"), overlap.getMessage());
    Throwable unordered = awaitFailure(store.append("a", List.of(entry(9, "x"), entry(8, "y"))));
    assertInstanceOf(IllegalArgumentException.class, unordered);
    appendRange(store, "a", 6, 6);
    assertEntries(store.read("a", 1, 100, 100, Integer.MAX_VALUE), 1, 2, 3, 4, 5, 6);
  }

  @Test
  void shouldFailTooLargeEntryWithoutWritingAnything() {
    LogStore store = open(FsyncPolicy.ALWAYS);
    LogEntry large = new LogEntry(1, 1, 1, ByteBuffer.allocate(2049));
    Throwable failure = awaitFailure(store.append("a", List.of(entry(1, "ok"), large)));
    assertInstanceOf(EntryTooLargeException.class, failure);
    assertTrue(failure.getMessage().contains("payloadBytes=2049"), failure.getMessage());
    assertEquals(0, store.highestSequenceNr("a"));
    assertFalse(Files.exists(directory.resolve("a")), "nothing created");
  }

  @Test
  void shouldNotCreateAnythingForReadsOfUnknownIds() {
    LogStore store = open(FsyncPolicy.ALWAYS);
    assertEquals(List.of(), store.read("nobody", 1, 10, 10, 100));
    assertEquals(0, store.highestSequenceNr("nobody"));
    assertEquals(0, store.deletedTo("nobody"));
    assertFalse(Files.exists(directory.resolve("nobody")));
    assertEquals(Set.of(), store.persistenceIds());
  }

  @Test
  void shouldGroupConcurrentAppendsIntoSharedWriteCycles() throws Exception {
    LogStore store = open(FsyncPolicy.ALWAYS);
    int threads = 8;
    int perThread = 60;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> writers = new ArrayList<>();
    List<CompletableFuture<Void>> futures = new CopyOnWriteArrayList<>();
    for (int t = 0; t < threads; t++) {
      String id = "pid-" + (t % 4) + "-" + t;
      Thread writer =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (long seq = 1; seq <= perThread; seq++) {
                  futures.add(store.append(id, List.of(entry(seq, payloadFor(seq)))));
                }
              });
      writer.start();
      writers.add(writer);
    }
    start.countDown();
    for (Thread writer : writers) {
      writer.join();
    }
    futures.forEach(LogTesting::await);
    for (int t = 0; t < threads; t++) {
      String id = "pid-" + (t % 4) + "-" + t;
      assertEntries(
          store.read(id, 1, Long.MAX_VALUE, 1000, Integer.MAX_VALUE), range(1, perThread));
    }
    LogStats stats = store.stats();
    assertEquals(threads * perThread, stats.appends());
    assertTrue(
        stats.appendsPerCycle() > 1.0, () -> "appends share cycles under contention: " + stats);
    assertTrue(stats.forces() < stats.appends(), () -> "forces are shared: " + stats);
  }

  @Test
  void shouldCompleteCommitWaitersOnLaterAppend() {
    LogStore store = open(FsyncPolicy.NEVER);
    CompletableFuture<Void> waiter = store.awaitCommitAfter("a", 0);
    CompletableFuture<Void> laterWaiter = store.awaitCommitAfter("a", 3);
    assertFalse(waiter.isDone());
    appendRange(store, "a", 1, 2);
    await(waiter);
    assertFalse(laterWaiter.isDone(), "highest 2 does not exceed 3");
    appendRange(store, "a", 3, 4);
    await(laterWaiter);
    assertTrue(store.awaitCommitAfter("a", 3).isDone(), "already exceeded");
  }

  @Test
  void shouldListPersistenceIdsAndAnnounceNewOnes() throws Exception {
    LogStore store = open(FsyncPolicy.NEVER);
    String longId = "topic|" + "very-long-name/".repeat(20) + "|7";
    appendRange(store, "a", 1, 1);
    appendRange(store, longId, 1, 1);
    store.close();

    LogStore reopened = open(FsyncPolicy.NEVER);
    assertEquals(Set.of("a", longId), reopened.persistenceIds());
    List<String> announced = new CopyOnWriteArrayList<>();
    AutoCloseable handle = reopened.onNewPersistenceId(announced::add);
    appendRange(reopened, "a", 2, 2);
    appendRange(reopened, "b c", 1, 1);
    assertEquals(List.of("b c"), announced);
    handle.close();
    appendRange(reopened, "d", 1, 1);
    assertEquals(List.of("b c"), announced);
    assertEquals(Set.of("a", longId, "b c", "d"), reopened.persistenceIds());
    assertEntries(reopened.read(longId, 1, 1, 1, 100), 1);
  }

  @Test
  void shouldKeepDeletionAndHighestSequenceNrAcrossReopen() {
    LogStore store = open(FsyncPolicy.ALWAYS);
    appendRange(store, "a", 1, 100);
    int segmentsBefore = store.logFor("a", false).segments().length;
    store.deleteTo("a", 60);
    assertEquals(60, store.deletedTo("a"));
    assertTrue(store.logFor("a", false).segments().length < segmentsBefore, "segments deleted");
    assertEntries(store.read("a", 1, 62, 100, Integer.MAX_VALUE), 61, 62);
    store.deleteTo("a", Long.MAX_VALUE);
    assertEquals(100, store.deletedTo("a"));
    assertEquals(100, store.highestSequenceNr("a"));
    store.close();

    LogStore reopened = open(FsyncPolicy.ALWAYS);
    assertEquals(100, reopened.highestSequenceNr("a"));
    assertEquals(100, reopened.deletedTo("a"));
    assertEquals(List.of(), reopened.read("a", 1, Long.MAX_VALUE, 100, Integer.MAX_VALUE));
    Throwable reuse = awaitFailure(reopened.append("a", List.of(entry(100, "again"))));
    assertInstanceOf(IllegalArgumentException.class, reuse);
    appendRange(reopened, "a", 101, 101);
    assertEntries(reopened.read("a", 1, Long.MAX_VALUE, 100, Integer.MAX_VALUE), 101);
  }

  @Test
  void shouldDeleteEverySegmentOnDeleteAllAndContinueAboveTheHighest() {
    LogStore store = open(FsyncPolicy.ALWAYS);
    appendRange(store, "a", 1, 100);
    appendRange(store, "b", 1, 10);
    assertTrue(segmentFiles(directory.resolve("a")).size() > 1);
    store.deleteAll("a");
    assertEquals(List.of(), segmentFiles(directory.resolve("a")));
    assertTrue(Files.exists(directory.resolve("a").resolve(LogMeta.FILE_NAME)));
    assertEquals(0, store.sizeInBytes("a"));
    assertEquals(100, store.highestSequenceNr("a"));
    assertEquals(101, store.logStartSequenceNr("a"));
    assertEquals(List.of(), store.read("a", 1, Long.MAX_VALUE, 100, Integer.MAX_VALUE));
    assertInstanceOf(
        IllegalArgumentException.class,
        awaitFailure(store.append("a", List.of(entry(1, "from scratch")))));
    assertEntries(store.read("b", 1, Long.MAX_VALUE, 100, Integer.MAX_VALUE), range(1, 10));

    appendRange(store, "a", 101, 102);
    assertEntries(store.read("a", 1, Long.MAX_VALUE, 100, Integer.MAX_VALUE), 101, 102);
    store.close();

    LogStore reopened = open(FsyncPolicy.ALWAYS);
    assertEquals(102, reopened.highestSequenceNr("a"));
    assertEntries(reopened.read("a", 1, Long.MAX_VALUE, 100, Integer.MAX_VALUE), 101, 102);
    reopened.deleteAll("a");
    reopened.close();

    LogStore again = open(FsyncPolicy.ALWAYS);
    assertEquals(102, again.highestSequenceNr("a"));
    assertEquals(List.of(), again.read("a", 1, Long.MAX_VALUE, 100, Integer.MAX_VALUE));
  }

  @Test
  void shouldForceWrittenLogsEveryIntervalUnderIntervalPolicy() {
    LogStore store = open(FsyncPolicy.INTERVAL);
    appendRange(store, "a", 1, 3);
    LogTesting.awaitCondition("an interval force", () -> store.stats().forces() >= 1);
    long forced = store.stats().forces();
    appendRange(store, "a", 4, 4);
    LogTesting.awaitCondition("a force of the new write", () -> store.stats().forces() > forced);
  }

  @Test
  void shouldFailAppendsAfterClose() {
    LogStore store = open(FsyncPolicy.INTERVAL);
    appendRange(store, "a", 1, 3);
    CompletableFuture<Void> waiter = store.awaitCommitAfter("a", 10);
    store.close();
    assertInstanceOf(
        LogStorageException.class, awaitFailure(store.append("a", List.of(entry(4, "x")))));
    assertInstanceOf(LogStorageException.class, awaitFailure(waiter));
  }
}
