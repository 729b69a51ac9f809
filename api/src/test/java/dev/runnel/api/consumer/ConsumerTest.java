package dev.runnel.api.consumer;

import static dev.runnel.api.TestNode.assertFails;
import static dev.runnel.api.TestNode.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.NotUsed;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.japi.Pair;
import akka.pattern.Patterns;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.partition.OffsetSpec;
import dev.runnel.actors.partition.OffsetsReply;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.api.Runnel;
import dev.runnel.api.TestNode;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.producer.Producer;
import dev.runnel.api.producer.ProducerRecord;
import dev.runnel.api.producer.ProducerSettings;
import dev.runnel.api.serialization.Serdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer through the public API on a real node: where it starts, and how it recovers. {@link
 * RemoteConsumerTest} runs the same tests with a remote client of a server.
 */
class ConsumerTest {

  @TempDir static Path dataDir;

  /** Where the consumers (and the producers that feed them) under test run. */
  static Runnel runnel;

  @BeforeAll
  static void startNode() {
    runnel = TestNode.start(dataDir);
  }

  @AfterAll
  static void stopNode() {
    runnel.close();
  }

  static ConsumerSettings<String, String> settings() {
    return ConsumerSettings.create(
        runnel, Serdes.String().deserializer(), Serdes.String().deserializer());
  }

  /** A topic of one partition with {@code count} records "0", "1", ... */
  private static TopicPartition topicWith(String name, int count) {
    result(runnel.admin().createTopic(new NewTopic(name, 1)));
    produce(name, 0, count);
    return new TopicPartition(name, 0);
  }

  static void produce(String topic, int from, int count) {
    result(
        Source.range(from, from + count - 1)
            .map(i -> new ProducerRecord<String, String>(topic, null, Integer.toString(i)))
            .runWith(
                Producer.plainSink(
                    ProducerSettings.create(
                        runnel, Serdes.String().serializer(), Serdes.String().serializer())),
                runnel.system()));
  }

  private static List<Long> offsets(
      ConsumerSettings<String, String> settings, ManualSubscription subscription, int count) {
    return result(
        Consumer.plainSource(settings, subscription)
            .take(count)
            .map(ConsumerRecord::offset)
            .runWith(Sink.seq(), runnel.system()));
  }

  @Test
  void shouldHaveKafkaDefaultsAndRefuseBadSettingsByName() {
    ConsumerSettings<String, String> defaults = settings();
    assertEquals(AutoOffsetReset.LATEST, defaults.autoOffsetReset());
    assertEquals(Duration.ofSeconds(30), defaults.requestTimeout());
    assertEquals(
        AutoOffsetReset.EARLIEST,
        defaults.withProperty("auto.offset.reset", "earliest").autoOffsetReset());
    RunnelException bad =
        assertThrows(
            RunnelException.class, () -> defaults.withProperty("auto.offset.reset", "smallest"));
    assertEquals(ErrorCode.INVALID_CONFIG, bad.code());
    assertTrue(bad.getMessage().contains("name=auto.offset.reset, value=smallest"));
  }

  @Test
  void shouldResetAnOutOfRangeOffsetAsAutoOffsetResetSays() {
    TopicPartition tp = topicWith("reset", 5);
    ManualSubscription beyond = Subscriptions.assignmentWithOffset(tp, 1000);

    assertEquals(
        List.of(0L, 1L),
        offsets(settings().withAutoOffsetReset(AutoOffsetReset.EARLIEST), beyond, 2));
    RunnelException none =
        assertFails(
            ErrorCode.OFFSET_OUT_OF_RANGE,
            Consumer.plainSource(settings().withAutoOffsetReset(AutoOffsetReset.NONE), beyond)
                .runWith(Sink.head(), runnel.system()));
    assertTrue(none.getMessage().contains("auto.offset.reset=none"), none.getMessage());

    CompletionStage<List<Long>> latest =
        Consumer.plainSource(settings().withAutoOffsetReset(AutoOffsetReset.LATEST), beyond)
            .take(1)
            .map(ConsumerRecord::offset)
            .runWith(Sink.seq(), runnel.system());
    TestProbe.create(runnel.system())
        .awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              produce("reset", 100, 1);
              assertTrue(
                  latest.toCompletableFuture().isDone(), "a record after the reset to latest");
              return null;
            });
    assertTrue(result(latest).get(0) >= 5);
  }

  @Test
  void shouldFailOnUnknownPartitionsAndUndeserializableRecords() {
    assertFails(
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        Consumer.plainSource(
                settings().withDefaultApiTimeout(Duration.ofMillis(200)),
                Subscriptions.assignmentWithOffset(new TopicPartition("nowhere", 0), 0))
            .runWith(Sink.head(), runnel.system()));

    TopicPartition tp = topicWith("not-longs", 1);
    ConsumerSettings<String, Long> longs =
        ConsumerSettings.create(
            runnel, Serdes.String().deserializer(), Serdes.Long().deserializer());
    RunnelException invalid =
        assertFails(
            ErrorCode.INVALID_RECORD,
            Consumer.plainSource(longs, Subscriptions.assignmentWithOffset(tp, 0))
                .runWith(Sink.head(), runnel.system()));
    assertTrue(invalid.getMessage().contains("topicPartition=not-longs-0, offset=0"));
  }

  /**
   * The partitions, except that each reader passes on one record and then fails (what a consumer
   * sees when a partition's node, or the server, goes away mid-stream), and that opening a reader
   * after {@code opensBeforeRefusal} opens is refused with {@code refusal}.
   */
  private static PartitionAccess failingAfterOneBatch(
      AtomicInteger opened, int opensBeforeRefusal, RunnelException refusal) {
    PartitionAccess real = PartitionAccess.of(runnel);
    return new PartitionAccess() {
      @Override
      public CompletionStage<TopicMetadata> awaitPartition(TopicPartition tp, Duration timeout) {
        return real.awaitPartition(tp, timeout);
      }

      @Override
      public CompletionStage<Source<Chunk, NotUsed>> openReader(
          TopicPartition tp, long fromOffset, ConsumerSettings<?, ?> settings) {
        if (opened.incrementAndGet() > opensBeforeRefusal) {
          return CompletableFuture.failedFuture(refusal);
        }
        return real.openReader(tp, fromOffset, settings)
            .thenApply(
                chunks ->
                    chunks
                        .map(chunk -> firstRecord(chunk, fromOffset))
                        .filterNot(chunk -> chunk.records().isEmpty())
                        .take(1)
                        .concat(nodeLeavesSoon()));
      }

      @Override
      public CompletionStage<OffsetsReply> listOffsets(
          TopicPartition tp, OffsetSpec spec, Duration timeout) {
        return real.listOffsets(tp, spec, timeout);
      }
    };
  }

  /**
   * A reader's failure, a little after its record: a failure travels ahead of elements still on
   * their way, and one at once could overtake the record (the consumer would then merely reopen at
   * the same offset).
   */
  private static Source<PartitionAccess.Chunk, ?> nodeLeavesSoon() {
    return Source.completionStageSource(
        Patterns.after(
            Duration.ofMillis(300),
            runnel.system().classicSystem().scheduler(),
            runnel.system().executionContext(),
            () ->
                CompletableFuture.completedFuture(
                    Source.<PartitionAccess.Chunk>failed(
                        new RunnelException(ErrorCode.NOT_AVAILABLE, "node left")))));
  }

  private static PartitionAccess.Chunk firstRecord(PartitionAccess.Chunk chunk, long fromOffset) {
    return new PartitionAccess.Chunk(
        chunk.records().stream().filter(r -> r.offset() >= fromOffset).limit(1).toList(),
        chunk.timestampType(),
        chunk.logAppendTime());
  }

  @Test
  void shouldReopenAFailedReaderAtTheNextOffsetWithoutLossOrRepeats() {
    TopicPartition tp = topicWith("moving", 3);
    produce("moving", 3, 3);
    produce("moving", 6, 4);
    AtomicInteger opened = new AtomicInteger();
    PartitionAccess access = failingAfterOneBatch(opened, Integer.MAX_VALUE, null);

    // A reopen per record: the backoff stays short.
    ConsumerSettings<String, String> quick =
        settings().withProperty("reconnect.backoff.max.ms", "100");
    Pair<Consumer.Control, CompletionStage<List<Long>>> running =
        Consumer.plainSource(quick, Subscriptions.assignmentWithOffset(tp, 1), access)
            .map(ConsumerRecord::offset)
            .take(9)
            .toMat(Sink.seq(), Keep.both())
            .run(runnel.system());

    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), result(running.second()));
    assertTrue(opened.get() >= 9, "a reader per record: opened=" + opened.get());
    assertEquals(opened.get() - 1, running.first().metrics().readerRestarts());
  }

  @Test
  void shouldFailWhenTheReopenedReaderIsRefusedForGood() {
    TopicPartition tp = topicWith("deleted", 3);
    AtomicInteger opened = new AtomicInteger();
    PartitionAccess access =
        failingAfterOneBatch(
            opened,
            1,
            new RunnelException(
                ErrorCode.TOPIC_DELETION_IN_PROGRESS, "Partition is being deleted"));

    Pair<Consumer.Control, CompletionStage<List<ConsumerRecord<String, String>>>> running =
        Consumer.plainSource(settings(), Subscriptions.assignmentWithOffset(tp, 0), access)
            .toMat(Sink.seq(), Keep.both())
            .run(runnel.system());

    assertFails(ErrorCode.TOPIC_DELETION_IN_PROGRESS, running.second());
    assertEquals(2, opened.get(), "opened once, refused once, not retried");
    assertTrue(running.first().metrics().recordsEmitted() > 0);
    assertEquals(Done.getInstance(), result(running.first().isShutdown()));
  }

  @Test
  void shouldReadManyPartitionsInOffsetOrderEach() {
    result(runnel.admin().createTopic(new NewTopic("wide", 4)));
    produce("wide", 0, 400);
    ManualSubscription all =
        Subscriptions.assignmentWithOffset(
            Map.of(
                new TopicPartition("wide", 0), 0L,
                new TopicPartition("wide", 1), 0L,
                new TopicPartition("wide", 2), 0L,
                new TopicPartition("wide", 3), 0L));

    List<ConsumerRecord<String, String>> records =
        result(
            Consumer.plainSource(settings(), all).take(400).runWith(Sink.seq(), runnel.system()));

    for (int p = 0; p < 4; p++) {
      int partition = p;
      List<Long> offsets =
          records.stream()
              .filter(r -> r.partition() == partition)
              .map(ConsumerRecord::offset)
              .toList();
      for (int i = 0; i < offsets.size(); i++) {
        assertEquals(i, offsets.get(i));
      }
    }
  }
}
