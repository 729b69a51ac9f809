package dev.runnel.persistence.journal;

import static dev.runnel.persistence.journal.JournalClient.atomic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.JournalProtocol;
import dev.runnel.persistence.journal.JournalClient.Replay;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentJournalTest {

  private static final AtomicInteger IDS = new AtomicInteger();

  @TempDir static Path directory;
  private static ActorTestKit testKit;
  private static JournalClient journal;

  /** No serializer is bound to this class. */
  record Unserializable(int value) {}

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(JournalTestConfig.under(directory));
    journal = new JournalClient(testKit);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static String uniqueId() {
    return "journal-test-" + IDS.incrementAndGet();
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  void shouldReplayWhatWasWrittenWithinFromToAndMax() {
    String id = uniqueId();
    journal.write(atomic(id, 1, "a", "b"), atomic(id, 3, "c"));
    journal.write(atomic(id, 4, "d", "e", "f"), atomic(id, 7, "g"));

    Replay all = journal.replayAll(id);
    assertEquals(List.of("a", "b", "c", "d", "e", "f", "g"), all.payloads());
    assertEquals(range(1, 7), all.sequenceNrs());
    assertEquals(7, all.highest());
    assertEquals(range(2, 5), journal.replay(id, 2, 5, Long.MAX_VALUE).sequenceNrs());
    assertEquals(range(5, 7), journal.replay(id, 5, Long.MAX_VALUE, Long.MAX_VALUE).sequenceNrs());
    assertEquals(range(3, 6), journal.replay(id, 3, 7, 4).sequenceNrs());
    assertEquals(List.of(), journal.replay(id, 8, 20, 10).sequenceNrs());
    assertEquals(List.of(), journal.replay(id, 1, 7, 0).sequenceNrs());
    assertEquals(0, journal.replayAll(uniqueId()).highest());
  }

  @Test
  void shouldRejectAnAtomicWriteWithAnUnserializableEventWholeAndWriteTheOthers() {
    String id = uniqueId();
    String other = uniqueId();
    TestProbe<Object> probe = testKit.createTestProbe();

    journal.send(
        probe,
        atomic(id, 1, "ok-1"),
        atomic(id, 2, "fine", new Unserializable(1)),
        atomic(other, 1, "ok-other"));

    probe.expectMessageClass(JournalProtocol.WriteMessagesSuccessful$.class);
    assertEquals(
        1,
        probe
            .expectMessageClass(JournalProtocol.WriteMessageSuccess.class)
            .persistent()
            .sequenceNr());
    JournalProtocol.WriteMessageRejected fine =
        probe.expectMessageClass(JournalProtocol.WriteMessageRejected.class);
    assertEquals(2, fine.message().sequenceNr());
    assertTrue(fine.cause().getMessage().contains(Unserializable.class.getName()));
    assertEquals(
        3,
        probe
            .expectMessageClass(JournalProtocol.WriteMessageRejected.class)
            .message()
            .sequenceNr());
    probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class);
    assertEquals(List.of("ok-1"), journal.replayAll(id).payloads());
    assertEquals(List.of("ok-other"), journal.replayAll(other).payloads());

    // The entity goes on with the sequence numbers after the rejected write.
    journal.write(atomic(id, 4, "after"));
    assertEquals(List.of(1L, 4L), journal.replayAll(id).sequenceNrs());
  }

  @Test
  void shouldRejectAnAtomicWriteLargerThanTheLargestEntry() {
    String id = uniqueId();
    TestProbe<Object> probe = testKit.createTestProbe();
    int max =
        SegmentStorage.get(Adapter.toClassic(testKit.system()))
            .storage(JournalClient.PLUGIN)
            .store()
            .settings()
            .maxEntryBytes();

    journal.send(probe, atomic(id, 1, new byte[max + 1]), atomic(id, 2, "small"));

    probe.expectMessageClass(JournalProtocol.WriteMessagesSuccessful$.class);
    JournalProtocol.WriteMessageRejected rejected =
        probe.expectMessageClass(JournalProtocol.WriteMessageRejected.class);
    assertTrue(rejected.cause().getMessage().contains("max-entry-bytes=" + max));
    probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class);
    assertEquals(List.of(2L), journal.replayAll(id).sequenceNrs());
  }

  @Test
  void shouldKeepEveryIdInOrderUnderManyConcurrentWriters() {
    List<String> ids = IntStream.range(0, 16).mapToObj(i -> uniqueId()).toList();
    int writesPerId = 40;
    List<TestProbe<Object>> probes =
        ids.stream().map(id -> testKit.<Object>createTestProbe()).toList();

    IntStream.range(0, ids.size())
        .parallel()
        .forEach(
            i -> {
              for (int w = 0; w < writesPerId; w++) {
                long first = 2L * w + 1;
                journal.send(
                    probes.get(i), atomic(ids.get(i), first, "e" + first, "e" + (first + 1)));
              }
            });

    for (TestProbe<Object> probe : probes) {
      List<Long> written = new ArrayList<>();
      for (Object reply : probe.receiveSeveralMessages(writesPerId * 3, Duration.ofSeconds(20))) {
        if (reply instanceof JournalProtocol.WriteMessageSuccess success) {
          written.add(success.persistent().sequenceNr());
        } else {
          assertTrue(reply instanceof JournalProtocol.WriteMessagesSuccessful$, reply.toString());
        }
      }
      assertEquals(range(1, 2L * writesPerId), written);
    }
    for (String id : ids) {
      Replay replay = journal.replayAll(id);
      assertEquals(range(1, 2L * writesPerId), replay.sequenceNrs());
      assertEquals("e" + 2 * writesPerId, replay.payloads().get(replay.payloads().size() - 1));
    }
  }

  @Test
  void shouldDeletePermanentlyAndKeepTheHighestSequenceNrAcrossARestart(@TempDir Path own) {
    String id = uniqueId();
    ActorTestKit first = ActorTestKit.create(JournalTestConfig.under(own));
    try {
      JournalClient client = new JournalClient(first);
      client.write(atomic(id, 1, "a", "b"), atomic(id, 3, "c"), atomic(id, 4, "d"));
      client.write(atomic(id, 5, "e"));
      client.delete(id, 3);
      assertEquals(List.of("d", "e"), client.replayAll(id).payloads());
    } finally {
      first.shutdownTestKit();
    }

    ActorTestKit second = ActorTestKit.create(JournalTestConfig.under(own));
    try {
      JournalClient client = new JournalClient(second);
      Replay afterRestart = client.replayAll(id);
      assertEquals(List.of(4L, 5L), afterRestart.sequenceNrs());
      assertEquals(5, afterRestart.highest());

      client.delete(id, Long.MAX_VALUE);
      Replay deleted = client.replayAll(id);
      assertEquals(List.of(), deleted.sequenceNrs());
      assertEquals(5, deleted.highest());
      client.write(atomic(id, 6, "f"));
      assertEquals(List.of("f"), client.replayAll(id).payloads());
    } finally {
      second.shutdownTestKit();
    }
  }
}
