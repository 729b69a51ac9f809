package dev.runnel.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers during cleaning: while passes swap cleaned segments in, full reads from other threads
 * must each show every sequence number once and exactly the latest value of every live key.
 */
class CompactionReadTest {

  private static final String ID = "partition|reads|0";

  @TempDir Path dir;

  private final ExecutorService io = Executors.newFixedThreadPool(2);
  private final ExecutorService readers = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() throws InterruptedException {
    readers.shutdownNow();
    io.shutdownNow();
    io.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void shouldShowAConsistentLogToReadersWhileCleaning() throws Exception {
    LogSettings settings =
        new LogSettings(
            dir, 4096, Duration.ofDays(7), 256, FsyncPolicy.NEVER, Duration.ofMillis(20), 2048);
    // A key map of 50 keys for 120 keys: each cleaning takes several passes and swaps.
    CleanerSettings cleaner =
        new CleanerSettings(1, 64 * 24, 64 * 1024, Long.MAX_VALUE, Duration.ofHours(1));
    try (LogStore store = LogStore.open(settings, cleaner, io)) {
      store.configureCompaction(ID, CompactedLogs.policy(0.5, Long.MAX_VALUE));
      Writer writer = new Writer(ID);
      long timestamp = System.currentTimeMillis() - 60_000;
      for (int i = 0; i < 1500; i++) {
        String key = "key-" + (i * 37 % 120);
        CompactionModelTest.await(
            store.append(
                ID,
                List.of(
                    writer.entry(
                        List.of(List.of(new Put(key, key + "@" + i))),
                        timestamp,
                        CompressionCodec.NONE))));
      }
      AtomicBoolean cleaning = new AtomicBoolean(true);
      AtomicInteger reads = new AtomicInteger();
      CompletableFuture<?>[] reading = new CompletableFuture<?>[2];
      for (int r = 0; r < reading.length; r++) {
        reading[r] =
            CompletableFuture.runAsync(
                () -> {
                  while (cleaning.get()) {
                    CompactedLogs.verify(store, writer, "read " + reads.incrementAndGet());
                  }
                },
                readers);
      }
      int passes = 0;
      for (Optional<CleaningResult> result = store.clean(ID);
          result.isPresent() && result.get().mapFull();
          result = store.clean(ID)) {
        passes++;
      }
      cleaning.set(false);
      CompletableFuture.allOf(reading).get(30, TimeUnit.SECONDS);
      assertTrue(passes >= 2, "several passes expected: passes=" + passes);
      assertTrue(reads.get() >= 2, "reads overlapping the cleaning expected: reads=" + reads);
      CompactedLogs.verify(store, writer, "after cleaning");
    }
  }
}
