package dev.runnel.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorSystem;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.PersistenceQuery;
import akka.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import akka.stream.javadsl.Sink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a JVM writing to the journal with {@code fsync = always} with SIGKILL, several times, and
 * checks after each kill that every write it had acknowledged is there, in order, and that nothing
 * was invented.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JournalCrashTest {

  private static final int KILLS = 4;

  @TempDir Path dir;

  @Test
  void shouldKeepEveryAcknowledgedWriteAcrossSigkill() throws Exception {
    Path acks = dir.resolve("acks.txt");
    Random random = new Random();
    long seed = random.nextLong();
    random.setSeed(seed);
    int ackedBefore = 0;
    for (int kill = 1; kill <= KILLS; kill++) {
      Process writer = startWriter(acks);
      try {
        int target = ackedBefore + 50 + random.nextInt(500);
        awaitAckLines(acks, target, writer);
      } finally {
        writer.destroyForcibly(); // SIGKILL on Linux
        writer.waitFor(30, TimeUnit.SECONDS);
      }
      Map<String, Long> acknowledged = readAcks(acks);
      ackedBefore = countLines(acks);
      verifyJournal(acknowledged, "seed=" + seed + ", kill=" + kill);
    }
  }

  private Process startWriter(Path acks) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            CrashingJournalWriter.class.getName(),
            dir.toString(),
            acks.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("writer.log").toFile())
        .start();
  }

  private void awaitAckLines(Path acks, int target, Process writer) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (countLines(acks) < target) {
      if (!writer.isAlive()) {
        throw new AssertionError(
            "writer died: exit="
                + writer.exitValue()
                + ", log="
                + Files.readString(dir.resolve("writer.log")));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "writer acknowledged only " + countLines(acks) + " of " + target + " writes");
      }
      writer.waitFor(5, TimeUnit.MILLISECONDS);
    }
  }

  private static int countLines(Path acks) throws IOException {
    return Files.exists(acks) ? readCompleteLines(acks).size() : 0;
  }

  /** Lines that end with a newline; a kill can leave nothing half-written, but be strict. */
  private static List<String> readCompleteLines(Path acks) throws IOException {
    String text = Files.readString(acks, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
  }

  private static Map<String, Long> readAcks(Path acks) throws IOException {
    Map<String, Long> highest = new HashMap<>();
    for (String line : readCompleteLines(acks)) {
      String[] parts = line.split(" ");
      highest.merge(parts[0], Long.parseLong(parts[1]), Math::max);
    }
    return highest;
  }

  private void verifyJournal(Map<String, Long> acknowledged, String facts) throws Exception {
    ActorSystem system = ActorSystem.create("verify", CrashingJournalWriter.config(dir));
    try {
      CurrentEventsByPersistenceIdQuery query =
          PersistenceQuery.get(system)
              .getReadJournalFor(
                  CurrentEventsByPersistenceIdQuery.class, "runnel.persistence.query");
      for (int i = 0; i < CrashingJournalWriter.ENTITIES; i++) {
        String pid = CrashingJournalWriter.pid(i);
        List<EventEnvelope> events =
            query
                .currentEventsByPersistenceId(pid, 0, Long.MAX_VALUE)
                .runWith(Sink.seq(), system)
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
        long acked = acknowledged.getOrDefault(pid, 0L);
        assertTrue(
            events.size() >= acked,
            "lost acknowledged writes: "
                + facts
                + ", pid="
                + pid
                + ", acked="
                + acked
                + ", stored="
                + events.size());
        for (int n = 0; n < events.size(); n++) {
          EventEnvelope envelope = events.get(n);
          assertEquals(n + 1, envelope.sequenceNr(), facts + ", pid=" + pid);
          assertEquals(pid + ":" + (n + 1), envelope.event(), facts + ", pid=" + pid);
        }
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
