package dev.runnel.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.persistence.journal.CompactedLogs.Writer;
import dev.runnel.persistence.log.CleanerSettings;
import dev.runnel.persistence.log.LogFiles;
import dev.runnel.persistence.log.LogStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a JVM that appends to a keyed log and cleans it without pause ({@link CompactingLogWriter})
 * with SIGKILL, several times, at random moments of its cleanings, and checks after each kill that
 * the log reopens with no half-done swap left, every acknowledged entry present, and exactly the
 * latest value of every live key.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CompactionCrashTest {

  private static final int KILLS = 4;
  private static final Predicate<String> CLEANED = line -> line.equals("cleaned");

  @TempDir Path dir;

  @Test
  void shouldReopenWithEveryKeyAfterSigkillDuringCleaning() throws Exception {
    Path logDir = dir.resolve("log");
    Path progress = dir.resolve("progress.txt");
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    int cleanedBefore = 0;
    for (int kill = 1; kill <= KILLS; kill++) {
      String facts = "seed=" + seed + ", kill=" + kill;
      Path log = dir.resolve("writer.log");
      Process writer =
          ChildJvm.start(CompactingLogWriter.class, log, logDir.toString(), progress.toString());
      try {
        int target = cleanedBefore + 3 + random.nextInt(20);
        ChildJvm.awaitLines(progress, CLEANED, target, writer, log);
      } finally {
        ChildJvm.kill(writer);
      }
      cleanedBefore = ChildJvm.count(progress, CLEANED);
      verify(logDir, lastAcked(progress), facts);
    }
  }

  private void verify(Path logDir, long acked, String facts) throws IOException {
    ExecutorService io = Executors.newSingleThreadExecutor();
    try (LogStore store =
        LogStore.open(CompactingLogWriter.settings(logDir), CleanerSettings.defaults(), io)) {
      long highest = store.highestSequenceNr(CompactingLogWriter.ID);
      assertTrue(highest >= acked, facts + ", lost acknowledged entries: highest=" + highest);
      Writer model = CompactingLogWriter.replay(highest);
      CompactedLogs.verify(store, model, facts);
      Path directory = logDir.resolve(LogFiles.directoryName(CompactingLogWriter.ID));
      try (Stream<Path> files = Files.list(directory)) {
        List<String> leftovers =
            files
                .map(file -> file.getFileName().toString())
                .filter(name -> name.endsWith(".cleaned") || name.endsWith(".swap"))
                .toList();
        assertEquals(List.of(), leftovers, facts + ", swap files left after open");
      }
    } finally {
      io.shutdownNow();
    }
  }

  private static long lastAcked(Path progress) throws IOException {
    return ChildJvm.completeLines(progress).stream()
        .filter(line -> line.startsWith("acked "))
        .mapToLong(line -> Long.parseLong(line.substring(6)))
        .max()
        .orElse(0);
  }
}
