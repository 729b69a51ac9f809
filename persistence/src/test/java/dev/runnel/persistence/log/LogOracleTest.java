package dev.runnel.persistence.log;

import static dev.runnel.persistence.log.LogTesting.await;
import static dev.runnel.persistence.log.LogTesting.entry;
import static dev.runnel.persistence.log.LogTesting.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Random appends, reads, reopens, deletions and retention against a TreeMap model. */
class LogOracleTest {

  private static final List<String> IDS = List.of("orders|0", "orders|1", "audit");

  @TempDir Path directory;

  @RegisterExtension final LogStoreFixture stores = new LogStoreFixture(3);

  private final Random random = new Random(20240611);
  private final Map<String, Model> models = new HashMap<>();
  private LogStore store;

  /** What the log of one id must hold. */
  private static final class Model {
    final TreeMap<Long, LogEntry> entries = new TreeMap<>();
    long highest;
    long deletedTo;
  }

  @Test
  void shouldMatchTheModelThroughRandomOperations() throws IOException {
    LogSettings settings =
        new LogSettings(
            directory,
            2048,
            Duration.ofDays(1),
            128,
            FsyncPolicy.NEVER,
            Duration.ofSeconds(1),
            1024);
    store = stores.open(settings);
    IDS.forEach(id -> models.put(id, new Model()));
    for (int step = 0; step < 600; step++) {
      String id = IDS.get(random.nextInt(IDS.size()));
      Model model = models.get(id);
      int dice = random.nextInt(100);
      if (dice < 50) {
        appendRandom(id, model);
      } else if (dice < 85) {
        checkRead(id, model);
      } else if (dice < 90) {
        store.close();
        if (random.nextBoolean()) {
          for (String each : IDS) {
            Files.deleteIfExists(
                directory.resolve(LogFiles.directoryName(each)).resolve(SegmentedLog.CLEAN_MARKER));
          }
        }
        store = stores.open(settings);
      } else if (dice < 95) {
        long to = model.deletedTo + random.nextInt(30);
        store.deleteTo(id, to);
        model.deletedTo = Math.max(model.deletedTo, Math.min(to, model.highest));
      } else {
        RetentionResult result =
            random.nextBoolean()
                ? store.deleteSegmentsBeyondSize(id, random.nextInt(8000))
                : store.deleteSegmentsBelow(id, model.deletedTo + random.nextInt(40));
        model.entries.headMap(result.logStartSequenceNr()).clear();
        assertEquals(result.logStartSequenceNr(), store.logStartSequenceNr(id));
      }
      assertEquals(model.highest, store.highestSequenceNr(id), "step " + step);
      assertEquals(model.deletedTo, store.deletedTo(id), "step " + step);
    }
    for (String id : IDS) {
      checkRead(id, models.get(id), 1, Long.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }
  }

  private void appendRandom(String id, Model model) {
    List<LogEntry> entries = new ArrayList<>();
    long next = model.highest + 1 + (random.nextInt(5) == 0 ? random.nextInt(5) : 0);
    int n = 1 + random.nextInt(6);
    for (int i = 0; i < n; i++) {
      int count = random.nextInt(4) == 0 ? 1 + random.nextInt(5) : 1;
      String payload = "p" + next + "-" + "z".repeat(random.nextInt(300));
      entries.add(entry(next, count, 1_000 + next, payload));
      next += count + (random.nextInt(10) == 0 ? random.nextInt(3) : 0);
    }
    CompletableFuture<Void> written = store.append(id, entries);
    await(written);
    for (LogEntry entry : entries) {
      model.entries.put(entry.firstSequenceNr(), entry);
      model.highest = entry.lastSequenceNr();
    }
  }

  private void checkRead(String id, Model model) {
    long from = random.nextInt((int) model.highest + 5);
    long to = from + random.nextInt(60);
    int maxEntries = 1 + random.nextInt(20);
    int maxBytes = random.nextInt(4) == 0 ? random.nextInt(1500) : Integer.MAX_VALUE;
    checkRead(id, model, from, to, maxEntries, maxBytes);
  }

  private void checkRead(String id, Model model, long from, long to, int maxEntries, int maxBytes) {
    List<String> expected = new ArrayList<>();
    long start = Math.max(from, model.deletedTo + 1);
    long bytes = 0;
    for (LogEntry entry : model.entries.values()) {
      if (entry.lastSequenceNr() < start) {
        continue;
      }
      if (entry.firstSequenceNr() > to || expected.size() >= maxEntries) {
        break;
      }
      int size = entry.payload().remaining();
      if (!expected.isEmpty() && bytes + size > maxBytes) {
        break;
      }
      expected.add(describe(entry, entry.payload()));
      bytes += size;
    }
    List<String> actual = new ArrayList<>();
    for (LogEntry entry : store.read(id, from, to, maxEntries, maxBytes)) {
      actual.add(describe(entry, entry.payload()));
    }
    assertEquals(expected, actual, "read " + id + " [" + from + ", " + to + "]");
  }

  private static String describe(LogEntry entry, java.nio.ByteBuffer payload) {
    return entry.firstSequenceNr()
        + "+"
        + entry.count()
        + "@"
        + entry.timestamp()
        + ":"
        + text(payload);
  }
}
