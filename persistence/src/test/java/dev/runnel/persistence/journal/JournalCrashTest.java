package dev.runnel.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorSystem;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.PersistenceQuery;
import akka.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import akka.stream.javadsl.Sink;
import java.io.IOException;
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
      Path log = dir.resolve("writer.log");
      Process writer =
          ChildJvm.start(CrashingJournalWriter.class, log, dir.toString(), acks.toString());
      try {
        int target = ackedBefore + 50 + random.nextInt(500);
        ChildJvm.awaitLines(acks, line -> true, target, writer, log);
      } finally {
        ChildJvm.kill(writer);
      }
      Map<String, Long> acknowledged = readAcks(acks);
      ackedBefore = countLines(acks);
      verifyJournal(acknowledged, "seed=" + seed + ", kill=" + kill);
    }
  }

  private static int countLines(Path acks) throws IOException {
    return ChildJvm.completeLines(acks).size();
  }

  private static Map<String, Long> readAcks(Path acks) throws IOException {
    Map<String, Long> highest = new HashMap<>();
    for (String line : ChildJvm.completeLines(acks)) {
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
