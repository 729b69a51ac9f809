package dev.runnel.actors.partition;

import static dev.runnel.actors.partition.TestBatches.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.stream.testkit.TestSubscriber;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionReaderTest {

  private static final String COUNTING_QUERY = "counting-query";

  /** Stream-ref buffer (Akka's default of 32) plus the single slots of the fused stages. */
  private static final long READ_AHEAD_BOUND = 48;

  @TempDir static Path directory;
  private static PartitionFixture fixture;
  private static TestTopics topics;

  @BeforeAll
  static void start() {
    topics = new TestTopics();
    Config countingQuery =
        ConfigFactory.parseString(
                COUNTING_QUERY + ".class = \"" + CountingReadJournalProvider.class.getName() + "\"")
            .withFallback(
                ConfigFactory.load().getConfig(PartitionFixture.QUERY).atPath(COUNTING_QUERY));
    fixture = new PartitionFixture(directory, topics, countingQuery);
  }

  @AfterAll
  static void stop() {
    fixture.shutdown();
  }

  /** A partition with an index entry every 3 batches of 10 records (about 200 bytes each). */
  private static ActorRef<PartitionCommand> spawn(TopicPartition tp) {
    return fixture.spawn(tp, PartitionFixture.settings(100, 500, Duration.ofMinutes(5)));
  }

  @Test
  void shouldReplayThenFollowLiveWrites() {
    ActorRef<PartitionCommand> partition = spawn(topics.create());
    for (int i = 0; i < 3; i++) {
      fixture.appended(partition, records("r" + i, 10, 1_000));
    }
    TestSubscriber.Probe<StoredBatch> reader = fixture.read(partition, 0);

    for (int i = 0; i < 3; i++) {
      assertEquals(10L * i, reader.requestNext().baseOffset());
    }
    reader.request(1);
    reader.expectNoMessage(Duration.ofMillis(200));
    fixture.appended(partition, records("live", 10, 1_000));
    assertEquals(30, reader.expectNext().baseOffset());
    reader.cancel();
  }

  @Test
  void shouldStartAtTheBatchHoldingAMiddleOffset() {
    ActorRef<PartitionCommand> partition = spawn(topics.create());
    for (int i = 0; i < 20; i++) {
      fixture.appended(partition, records("m" + i, 10, 1_000));
    }

    for (long from : new long[] {0, 9, 10, 73, 130, 199}) {
      TestSubscriber.Probe<StoredBatch> reader = fixture.read(partition, from);
      StoredBatch first = reader.requestNext();
      assertEquals(from - from % 10, first.baseOffset(), "fromOffset=" + from);
      reader.cancel();
    }
  }

  @Test
  void shouldWaitAtTheHighWatermarkAndRefuseOffsetsOutsideTheLog() {
    ActorRef<PartitionCommand> partition = spawn(topics.create());
    fixture.appended(partition, records("w", 5, 1_000));

    TestSubscriber.Probe<StoredBatch> reader = fixture.read(partition, 5);
    reader.request(1);
    reader.expectNoMessage(Duration.ofMillis(200));
    fixture.appended(partition, records("w", 5, 1_000));
    assertEquals(5, reader.expectNext().baseOffset());

    ReaderReply.ReaderFailed beyond =
        assertInstanceOf(ReaderReply.ReaderFailed.class, fixture.open(partition, 11));
    assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, beyond.code());
    assertEquals(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        assertInstanceOf(ReaderReply.ReaderFailed.class, fixture.open(partition, -1)).code());
  }

  @Test
  void shouldKeepReadingAfterThePartitionIsPassivatedAndOpenReadersAfterRestart() {
    TopicPartition tp = topics.create();
    ActorRef<PartitionCommand> partition = spawn(tp);
    fixture.appended(partition, records("p", 10, 1_000));
    TestSubscriber.Probe<StoredBatch> reader = fixture.read(partition, 0);
    assertEquals(0, reader.requestNext().baseOffset());
    TestProbe<Object> watcher = fixture.testKit.createTestProbe();

    partition.tell(PartitionCommand.Passivate.INSTANCE);
    watcher.expectTerminated(partition, Duration.ofSeconds(5));
    ActorRef<PartitionCommand> again = spawn(tp);

    fixture.appended(again, records("p", 10, 1_000));
    assertEquals(10, reader.requestNext().baseOffset());
    assertEquals(10, fixture.read(again, 15).requestNext().baseOffset());
  }

  @Test
  void shouldPullOnlyABoundedAmountAheadOfASlowReader() {
    TopicPartition tp = topics.create();
    ActorRef<PartitionCommand> partition =
        fixture.spawn(
            tp,
            new PartitionSettings(
                PartitionFixture.JOURNAL,
                PartitionFixture.SNAPSHOTS,
                COUNTING_QUERY,
                1000,
                2,
                64 * 1024,
                Duration.ofMinutes(5),
                8 * 1024 * 1024,
                128));
    TestSubscriber.Probe<StoredBatch> reader = fixture.read(partition, 0);
    TestProbe<AppendReply> appends = fixture.testKit.createTestProbe();
    int batches = 1_000;
    int recordsPerBatch = 100;
    long next = 0;
    int consumed = 0;

    for (int i = 0; i < batches; i++) {
      partition.tell(
          new PartitionCommand.Append(
              records("s" + i, recordsPerBatch, 1_000), Acks.LEADER, appends.getRef()));
      if (i % 100 == 99) {
        next = consumeNext(reader, next, tp, ++consumed);
      }
    }
    appends.receiveSeveralMessages(batches);
    assertEquals((long) batches * recordsPerBatch, fixture.info(partition).highWatermark());
    while (consumed < batches) {
      next = consumeNext(reader, next, tp, ++consumed);
    }
    reader.cancel();
  }

  /** Takes the next batch, checks it follows the last one and that the reader stays bounded. */
  private static long consumeNext(
      TestSubscriber.Probe<StoredBatch> reader, long expected, TopicPartition tp, int consumed) {
    StoredBatch batch = reader.requestNext();
    assertEquals(expected, batch.baseOffset());
    assertBoundedReadAhead(tp, consumed);
    return batch.lastOffset() + 1;
  }

  private static void assertBoundedReadAhead(TopicPartition tp, long consumed) {
    long pulled = CountingReadJournalProvider.pulled(tp.persistenceId());
    assertTrue(
        pulled - consumed <= READ_AHEAD_BOUND,
        "pulled from the journal=" + pulled + ", consumed=" + consumed);
  }
}
