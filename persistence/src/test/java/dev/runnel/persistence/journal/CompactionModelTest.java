package dev.runnel.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.persistence.journal.CompactedLogs.Contents;
import dev.runnel.persistence.journal.CompactedLogs.Put;
import dev.runnel.persistence.journal.CompactedLogs.Writer;
import dev.runnel.persistence.log.CleanerSettings;
import dev.runnel.persistence.log.CleaningResult;
import dev.runnel.persistence.log.FsyncPolicy;
import dev.runnel.persistence.log.LogSettings;
import dev.runnel.persistence.log.LogStore;
import dev.runnel.persistence.record.CompressionCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model-based test of log compaction: random keys, values, tombstones and keyless records are
 * written as journal entries of record batches, the log is cleaned and the store reopened at random
 * points, and after every step a full read must show exactly the model's latest value (and offset)
 * of every live key, with every sequence number and every offset still in place. Once with a key
 * map large enough for the whole log, once with one so small that cleaning takes many passes.
 */
class CompactionModelTest {

  private static final String ID = "partition|model|0";

  @TempDir Path dir;

  private final ExecutorService io = Executors.newFixedThreadPool(2);
  private final List<LogStore> stores = new ArrayList<>();

  @AfterEach
  void closeStores() throws InterruptedException {
    stores.forEach(LogStore::close);
    io.shutdownNow();
    io.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void shouldKeepTheLatestValueOfEveryKeyWithALargeKeyMap() {
    run(cleaner(1024 * 1024), 300, 0, 180);
  }

  @Test
  void shouldKeepTheLatestValueOfEveryKeyWithAKeyMapForcedSmall() {
    // 64 slots, 57 keys per pass, for 150 keys: every cleaning takes several passes.
    run(cleaner(64 * 24), 150, 0, 200);
  }

  @Test
  void shouldKeepTombstonesForTheirRetentionAfterTheyWereCleaned() {
    run(cleaner(1024 * 1024), 100, Long.MAX_VALUE, 150);
  }

  private void run(CleanerSettings cleaner, int keys, long deleteRetentionMs, int steps) {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    LogStore store = open(cleaner, deleteRetentionMs);
    Writer writer = new Writer(ID);
    long now = System.currentTimeMillis();
    long highWatermark = 0;
    int cleanings = 0;
    CleaningResult last = null;
    for (int step = 0; step < steps; step++) {
      String facts = "seed=" + seed + ", step=" + step;
      int action = random.nextInt(100);
      if (action < 80) {
        await(store.append(ID, List.of(randomEntry(writer, random, keys, now))));
      } else if (action < 95) {
        Optional<CleaningResult> result = store.clean(ID);
        if (result.isPresent()) {
          cleanings++;
          last = result.get();
        }
        Contents contents = CompactedLogs.verify(store, writer, facts + ", after cleaning");
        result.ifPresent(
            cleaned ->
                CompactedLogs.assertCleanedBelow(contents, cleaned.firstDirtyAfter(), facts));
      } else {
        store.close();
        store = open(cleaner, deleteRetentionMs);
      }
      Contents contents = CompactedLogs.verify(store, writer, facts);
      assertTrue(contents.nextOffset() >= highWatermark, facts + ", offsets only grow");
      highWatermark = contents.nextOffset();
    }
    // Every segment but the active one is cleaned now: whatever passes that takes.
    for (Optional<CleaningResult> result = store.clean(ID);
        result.isPresent();
        result = store.clean(ID)) {
      last = result.get();
      if (!last.mapFull()) {
        break;
      }
    }
    Contents end = CompactedLogs.verify(store, writer, "seed=" + seed + ", end");
    assertTrue(cleanings > 0 && last != null, "seed=" + seed + ", the log was never cleaned");
    CompactedLogs.assertCleanedBelow(end, last.firstDirtyAfter(), "seed=" + seed + ", end");
    assertTrue(
        end.records() < writer.nextOffset,
        "seed=" + seed + ", nothing removed: records=" + end.records());
  }

  /**
   * A cleaner whose background thread stays out of the way: it looks once, when compaction is
   * configured on the empty log, then waits an hour. The test cleans when it wants.
   */
  private static CleanerSettings cleaner(long keyMapBytes) {
    return new CleanerSettings(1, keyMapBytes, 64 * 1024, Long.MAX_VALUE, Duration.ofHours(1));
  }

  private LogStore open(CleanerSettings cleaner, long deleteRetentionMs) {
    LogSettings settings =
        new LogSettings(
            dir, 4096, Duration.ofDays(7), 256, FsyncPolicy.NEVER, Duration.ofMillis(20), 2048);
    LogStore store = LogStore.open(settings, cleaner, io);
    store.configureCompaction(ID, CompactedLogs.policy(0.5, deleteRetentionMs));
    stores.add(store);
    return store;
  }

  /** One to three batches of one to four records: 15% tombstones, 3% keyless. */
  private static dev.runnel.persistence.log.LogEntry randomEntry(
      Writer writer, Random random, int keys, long now) {
    List<List<Put>> batches = new ArrayList<>();
    int batchCount = 1 + random.nextInt(3);
    for (int b = 0; b < batchCount; b++) {
      List<Put> puts = new ArrayList<>();
      int records = 1 + random.nextInt(4);
      for (int r = 0; r < records; r++) {
        int kind = random.nextInt(100);
        String key = kind < 3 ? null : "key-" + random.nextInt(keys);
        String value = kind >= 3 && kind < 18 ? null : "value-" + random.nextInt(1_000_000);
        puts.add(new Put(key, value));
      }
      batches.add(puts);
    }
    CompressionCodec codec = random.nextInt(4) == 0 ? CompressionCodec.LZ4 : CompressionCodec.NONE;
    return writer.entry(batches, now - 60_000, codec);
  }

  @Test
  void shouldRemoveATombstoneInTheCleaningAfterTheOneThatReachedIt() {
    // The background cleaner may also pass over the log (segments roll as it fills), so the
    // retention is long enough for every pass of the first phase to count as the one that reached
    // the tombstone; the second phase cleans until it has passed.
    LogStore store = open(cleaner(1024 * 1024), 2_000);
    Writer writer = new Writer(ID);
    long now = System.currentTimeMillis() - 60_000;
    long reached = System.nanoTime();
    append(store, writer, now, new Put("gone", "v1"));
    append(store, writer, now, new Put("gone", null));
    fill(store, writer, now, "a");
    store.clean(ID).orElseThrow();
    Contents first = CompactedLogs.verify(store, writer, "first cleaning");
    assertTrue(
        System.nanoTime() - reached < TimeUnit.MILLISECONDS.toNanos(2_000),
        "the first phase took longer than delete.retention.ms; the check below means nothing");
    assertEquals(1, tombstones(first), "the tombstone stays in the pass that reached it");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int round = 0;
    long left;
    do {
      fill(store, writer, now, "b" + round++);
      store.clean(ID).orElseThrow();
      left = tombstones(CompactedLogs.verify(store, writer, "cleaning " + round));
    } while (left > 0 && System.nanoTime() < deadline);
    assertEquals(0, left, "delete.retention.ms passed: a later cleaning removes the tombstone");
  }

  private static long tombstones(Contents contents) {
    return contents.allRecords().stream().filter(r -> r.value() == null).count();
  }

  private static void append(LogStore store, Writer writer, long timestamp, Put... puts) {
    await(
        store.append(
            ID, List.of(writer.entry(List.of(List.of(puts)), timestamp, CompressionCodec.NONE))));
  }

  /** Enough records of other keys that the segments before roll. */
  private static void fill(LogStore store, Writer writer, long timestamp, String prefix) {
    for (int i = 0; i < 40; i++) {
      append(store, writer, timestamp, new Put(prefix + i, "x".repeat(100)));
    }
  }

  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("append failed or timed out", e);
    }
  }

  @Test
  void shouldNotCleanRecordsYoungerThanTheMinimumCompactionLag() {
    LogSettings settings =
        new LogSettings(
            dir, 1024, Duration.ofDays(7), 256, FsyncPolicy.NEVER, Duration.ofMillis(20), 512);
    LogStore store = LogStore.open(settings, CleanerSettings.defaults(), io);
    stores.add(store);
    store.configureCompaction(
        ID,
        new dev.runnel.persistence.log.CompactionPolicy(
            CompactedLogs.EVENTS, 3_600_000, Long.MAX_VALUE, 0.5, 0));
    Writer writer = new Writer(ID);
    long now = System.currentTimeMillis();
    for (int i = 0; i < 60; i++) {
      await(
          store.append(
              ID,
              List.of(
                  writer.entry(
                      List.of(List.of(new Put("same-key", "v" + i))),
                      now,
                      CompressionCodec.NONE))));
    }
    long records = CompactedLogs.verify(store, writer, "before").records();
    assertEquals(Optional.empty(), store.clean(ID));
    assertEquals(records, CompactedLogs.verify(store, writer, "after").records());
  }
}
