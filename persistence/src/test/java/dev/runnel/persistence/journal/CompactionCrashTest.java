package dev.runnel.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.persistence.journal.CompactedLogs.Writer;
import dev.runnel.persistence.log.CleanerSettings;
import dev.runnel.persistence.log.LogFiles;
import dev.runnel.persistence.log.LogStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
      Process writer = startWriter(logDir, progress);
      try {
        awaitCleanings(progress, cleanedBefore + 3 + random.nextInt(20), writer);
      } finally {
        writer.destroyForcibly(); // SIGKILL on Linux
        writer.waitFor(30, TimeUnit.SECONDS);
      }
      cleanedBefore = count(progress, "cleaned");
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

  private Process startWriter(Path logDir, Path progress) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            CompactingLogWriter.class.getName(),
            logDir.toString(),
            progress.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("writer.log").toFile())
        .start();
  }

  private void awaitCleanings(Path progress, int target, Process writer) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (count(progress, "cleaned") < target) {
      if (!writer.isAlive()) {
        throw new AssertionError(
            "writer died: exit="
                + writer.exitValue()
                + ", log="
                + Files.readString(dir.resolve("writer.log")));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "writer cleaned only " + count(progress, "cleaned") + " of " + target + " times");
      }
      writer.waitFor(5, TimeUnit.MILLISECONDS);
    }
  }

  private static List<String> lines(Path progress) throws IOException {
    if (!Files.exists(progress)) {
      return List.of();
    }
    String text = Files.readString(progress, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
  }

  private static int count(Path progress, String prefix) throws IOException {
    return (int) lines(progress).stream().filter(line -> line.startsWith(prefix)).count();
  }

  private static long lastAcked(Path progress) throws IOException {
    return lines(progress).stream()
        .filter(line -> line.startsWith("acked "))
        .mapToLong(line -> Long.parseLong(line.substring(6)))
        .max()
        .orElse(0);
  }
}
