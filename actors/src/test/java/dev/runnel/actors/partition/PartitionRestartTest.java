package dev.runnel.actors.partition;

import static dev.runnel.actors.partition.TestBatches.idempotent;
import static dev.runnel.actors.partition.TestBatches.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.actor.typed.ActorRef;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.partition.AppendReply.AppendFailed;
import dev.runnel.persistence.control.LogControl;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each test stops its ActorSystem and starts a new one on the same files. */
class PartitionRestartTest {

  @TempDir Path directory;
  private final TestTopics topics = new TestTopics();

  private static void assertFailed(AppendReply reply, ErrorCode code) {
    assertEquals(code, assertInstanceOf(AppendFailed.class, reply).code());
  }

  @Test
  void shouldKeepIdempotentProducersAcrossAnActorSystemRestart() {
    TopicPartition tp = topics.create();
    byte[] first = idempotent("a", 3, 7, (short) 0, 0);
    PartitionFixture before = new PartitionFixture(directory, topics);
    ActorRef<PartitionCommand> partition = before.spawn(tp, PartitionFixture.settings());
    before.appended(partition, records("x", 2, 1_000));
    long firstOffset = before.appended(partition, first);
    before.appended(partition, idempotent("b", 2, 7, (short) 0, 3));
    before.appended(partition, idempotent("c", 1, 8, (short) 1, 0));
    before.shutdown();

    PartitionFixture after = new PartitionFixture(directory, topics);
    partition = after.spawn(tp, PartitionFixture.settings());
    long writes = after.journalWrites();

    assertEquals(firstOffset, after.appended(partition, first));
    assertEquals(writes, after.journalWrites());
    assertEquals(8, after.info(partition).highWatermark());
    assertFailed(
        after.append(partition, idempotent("d", 1, 7, (short) 0, 9)),
        ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assertFailed(
        after.append(partition, idempotent("e", 1, 8, (short) 0, 1)), ErrorCode.PRODUCER_FENCED);
    assertEquals(8, after.appended(partition, idempotent("f", 1, 7, (short) 0, 5)));
    after.shutdown();
  }

  @Test
  void shouldRecoverFromTheSnapshotAndReplayOnlyTheEventsAfterIt() {
    TopicPartition tp = topics.create();
    PartitionSettings snapshotEvery10 = PartitionFixture.settings(10, 1, Duration.ofMinutes(5));
    PartitionFixture before = new PartitionFixture(directory, topics);
    ActorRef<PartitionCommand> partition = before.spawn(tp, snapshotEvery10);
    byte[] lastOfProducer = null;
    for (int sequence = 0; sequence < 8; sequence++) {
      lastOfProducer = idempotent("p" + sequence, 2, 5, (short) 0, sequence * 2);
      before.appended(partition, lastOfProducer);
    }
    for (int i = 0; i < 17; i++) {
      before.appended(partition, records("r" + i, 2, 1_000));
    }
    before.shutdown();

    PartitionFixture after = new PartitionFixture(directory, topics);
    // Events 1-20 are covered by the snapshot at 20: without them only a recovery from the
    // snapshot can know the producer's batches and the offsets.
    LogControl.forJournal(after.testKit.system(), PartitionFixture.JOURNAL, "")
        .deleteEventsTo(tp.persistenceId(), 20)
        .toCompletableFuture()
        .join();
    partition = after.spawn(tp, snapshotEvery10);

    PartitionInfo info = after.info(partition);
    assertEquals(0, info.logStartOffset());
    assertEquals(50, info.highWatermark());
    assertEquals(14, after.appended(partition, lastOfProducer));
    assertEquals(40, after.read(partition, 41).requestNext().baseOffset());
    assertEquals(50, after.appended(partition, records("next", 1, 1_000)));
    after.shutdown();
  }
}
