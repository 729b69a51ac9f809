package dev.runnel.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.consumer.Consumer;
import dev.runnel.api.consumer.ConsumerRecord;
import dev.runnel.api.consumer.ConsumerSettings;
import dev.runnel.api.consumer.Subscriptions;
import dev.runnel.api.header.Headers;
import dev.runnel.api.producer.Producer;
import dev.runnel.api.producer.ProducerMessage;
import dev.runnel.api.producer.ProducerRecord;
import dev.runnel.api.producer.ProducerSettings;
import dev.runnel.api.producer.RecordMetadata;
import dev.runnel.api.producer.RunnelProducer;
import dev.runnel.api.serialization.Serdes;
import dev.runnel.persistence.record.TimestampType;
import dev.runnel.sharding.Partitioner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded API end to end on a real node with the segment journal: records go in through the
 * producer, come out through the consumer as they were sent, and survive a restart of the node.
 */
class EmbeddedApiTest {

  private static final int PARTITIONS = 3;
  private static final int RECORDS = 3000;
  private static final long BASE_TIME = 1_700_000_000_000L;

  @TempDir Path dataDir;

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static ProducerRecord<String, String> record(int i) {
    Headers headers =
        Headers.empty()
            .add("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8))
            .add("trace", null);
    return new ProducerRecord<>(
        "orders", null, BASE_TIME + i, "customer-" + (i % 17), "order-" + i, headers);
  }

  private static List<ConsumerRecord<String, String>> consumeAll(Runnel runnel, int count)
      throws Exception {
    ConsumerSettings<String, String> settings =
        ConsumerSettings.create(
            runnel, Serdes.String().deserializer(), Serdes.String().deserializer());
    Map<TopicPartition, Long> fromStart = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      fromStart.put(new TopicPartition("orders", p), 0L);
    }
    return await(
        Consumer.plainSource(settings, Subscriptions.assignmentWithOffset(fromStart))
            .take(count)
            .runWith(Sink.seq(), runnel.system()));
  }

  /** Checks every record arrived once, in per-partition order, exactly as it was sent. */
  private static void assertConsumedAsSent(
      List<ConsumerRecord<String, String>> consumed, List<RecordMetadata> sent) {
    assertEquals(RECORDS, consumed.size());
    Map<Integer, List<ConsumerRecord<String, String>>> byPartition = new HashMap<>();
    for (ConsumerRecord<String, String> r : consumed) {
      byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r);
    }
    Map<Integer, Integer> sentPerPartition = new HashMap<>();
    for (int i = 0; i < RECORDS; i++) {
      RecordMetadata metadata = sent.get(i);
      ProducerRecord<String, String> expected = record(i);
      int p = metadata.partition();
      int index = sentPerPartition.merge(p, 1, Integer::sum) - 1;
      ConsumerRecord<String, String> actual = byPartition.get(p).get(index);
      assertEquals(index, actual.offset(), "offsets are consecutive from 0 in send order");
      assertEquals(metadata.offset(), actual.offset());
      assertEquals(expected.key(), actual.key());
      assertEquals(expected.value(), actual.value());
      assertEquals(expected.headers(), actual.headers());
      assertEquals(expected.timestamp(), actual.timestamp());
      assertEquals(TimestampType.CREATE_TIME, actual.timestampType());
      assertEquals(
          Partitioner.partitionForKey(expected.key().getBytes(StandardCharsets.UTF_8), PARTITIONS),
          p,
          "keyed records go to Kafka's partition for their key");
    }
  }

  @Test
  void shouldConsumeWhatWasProducedInPartitionOrderAndAgainAfterARestart() throws Exception {
    List<RecordMetadata> sent = new ArrayList<>();
    RunnelProducer<String, String> leftOpen;
    try (Runnel runnel = TestNode.start(dataDir)) {
      await(runnel.admin().createTopic(new NewTopic("orders", PARTITIONS)));
      ProducerSettings<String, String> settings =
          ProducerSettings.create(
              runnel, Serdes.String().serializer(), Serdes.String().serializer());
      RunnelProducer<String, String> producer = runnel.producer(settings);
      leftOpen = runnel.producer(settings);
      List<CompletableFuture<RecordMetadata>> results = new ArrayList<>();
      for (int i = 0; i < RECORDS; i++) {
        results.add(producer.send(record(i)).toCompletableFuture());
      }
      for (CompletableFuture<RecordMetadata> result : results) {
        sent.add(result.get(30, TimeUnit.SECONDS));
      }
      await(producer.close());

      assertConsumedAsSent(consumeAll(runnel, RECORDS), sent);
    }
    TestNode.assertFails(ErrorCode.NOT_AVAILABLE, leftOpen.send(record(0)));

    try (Runnel restarted = TestNode.start(dataDir)) {
      assertConsumedAsSent(consumeAll(restarted, RECORDS), sent);
    }
  }

  @Test
  void shouldKeepEnvelopeOrderAndPassThroughInTheProducerFlow() throws Exception {
    try (Runnel runnel = TestNode.start(dataDir)) {
      await(runnel.admin().createTopic(new NewTopic("flow", 2)));
      ProducerSettings<String, String> settings =
          ProducerSettings.create(
                  runnel, Serdes.String().serializer(), Serdes.String().serializer())
              .withParallelism(4);
      List<ProducerMessage.Envelope<String, String, Integer>> envelopes = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        ProducerRecord<String, String> record = new ProducerRecord<>("flow", "k" + i, "v" + i);
        envelopes.add(
            switch (i % 3) {
              case 0 -> ProducerMessage.single(record, i);
              case 1 -> ProducerMessage.multi(List.of(record, record), i);
              default -> ProducerMessage.passThrough(i);
            });
      }

      List<ProducerMessage.Results<String, String, Integer>> results =
          await(
              Source.from(envelopes)
                  .via(Producer.<String, String, Integer>flow(settings))
                  .runWith(Sink.seq(), runnel.system()));

      for (int i = 0; i < 200; i++) {
        ProducerMessage.Results<String, String, Integer> result = results.get(i);
        assertEquals(i, result.passThrough(), "results come in envelope order");
        if (result instanceof ProducerMessage.MultiResult<String, String, Integer> multi) {
          assertEquals(2, multi.parts().size());
          RecordMetadata first = multi.parts().get(0).metadata();
          RecordMetadata second = multi.parts().get(1).metadata();
          assertEquals(first.partition(), second.partition(), "one key, one partition");
          assertTrue(first.offset() < second.offset(), "in the envelope's order");
        }
      }
      long singles = results.stream().filter(r -> r instanceof ProducerMessage.Result).count();
      assertEquals(67, singles);
    }
  }

  @Test
  void shouldStartFromBeginningEndOrTimeAsAsked() throws Exception {
    try (Runnel runnel = TestNode.start(dataDir)) {
      await(runnel.admin().createTopic(new NewTopic("times", 1)));
      TopicPartition tp = new TopicPartition("times", 0);
      ProducerSettings<String, String> producerSettings =
          ProducerSettings.create(
              runnel, Serdes.String().serializer(), Serdes.String().serializer());
      List<ProducerRecord<String, String>> first = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        first.add(new ProducerRecord<>("times", 0, BASE_TIME + i * 1000L, null, "v" + i, null));
      }
      await(Source.from(first).runWith(Producer.plainSink(producerSettings), runnel.system()));
      ConsumerSettings<String, String> settings =
          ConsumerSettings.create(
              runnel, Serdes.String().deserializer(), Serdes.String().deserializer());

      List<ConsumerRecord<String, String>> fromTime =
          await(
              Consumer.plainSource(
                      settings, Subscriptions.assignmentOffsetsForTimes(tp, BASE_TIME + 6500))
                  .take(3)
                  .runWith(Sink.seq(), runnel.system()));
      assertEquals(List.of(7L, 8L, 9L), fromTime.stream().map(ConsumerRecord::offset).toList());

      List<ConsumerRecord<String, String>> earliest =
          await(
              Consumer.plainSource(
                      settings.withProperty("auto.offset.reset", "earliest"),
                      Subscriptions.assignment(tp))
                  .take(1)
                  .runWith(Sink.seq(), runnel.system()));
      assertEquals(0L, earliest.get(0).offset());

      // latest: only what is written after the reader opened
      Source<ConsumerRecord<String, String>, Consumer.Control> latest =
          Consumer.plainSource(settings, Subscriptions.assignment(tp));
      akka.japi.Pair<
              Consumer.Control,
              java.util.concurrent.CompletionStage<List<ConsumerRecord<String, String>>>>
          running =
              latest
                  .take(1)
                  .toMat(Sink.seq(), akka.stream.javadsl.Keep.both())
                  .run(runnel.system());
      TestProbe.create(runnel.system())
          .awaitAssert(
              Duration.ofSeconds(10),
              () -> {
                // keep producing until the reader, opened at the end, sees a record
                producerSend(producerSettings, runnel);
                assertTrue(
                    running.second().toCompletableFuture().isDone(), "the latest reader to open");
                return null;
              });
      assertTrue(await(running.second()).get(0).offset() >= 10);
      assertEquals(Done.getInstance(), await(running.first().isShutdown()));
    }
  }

  private static void producerSend(ProducerSettings<String, String> settings, Runnel runnel) {
    Source.single(new ProducerRecord<String, String>("times", 0, null, null, "late", null))
        .runWith(Producer.plainSink(settings), runnel.system());
  }

  @Test
  void shouldCreateAnUnknownTopicOnFirstProduceWhenAutoCreateIsOnAndKeepTheOrder()
      throws Exception {
    try (Runnel runnel = TestNode.start(dataDir, Map.of("runnel.auto-create-topics", "on"))) {
      RunnelProducer<String, String> producer =
          runnel.producer(
              ProducerSettings.create(
                  runnel, Serdes.String().serializer(), Serdes.String().serializer()));
      List<CompletableFuture<String>> threads = new ArrayList<>();
      List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        CompletableFuture<RecordMetadata> result =
            producer.send(new ProducerRecord<>("created-on-demand", "v" + i)).toCompletableFuture();
        // A send that completed before this callback was attached runs it here, as any
        // CompletableFuture does; even the first one, which waits for the topic to be created,
        // may have completed by then when this thread was descheduled.
        threads.add(result.thenApply(metadata -> Thread.currentThread().getName()));
        sent.add(result);
      }

      for (int i = 0; i < 100; i++) {
        assertEquals(i, sent.get(i).get(30, TimeUnit.SECONDS).offset(), "records waited in order");
        String thread = threads.get(i).get();
        assertTrue(
            thread.startsWith("runnel-akka.actor.default-dispatcher")
                || thread.equals(Thread.currentThread().getName()),
            "completed on the system's executor: " + thread);
      }
      assertEquals(1, await(runnel.admin().describeTopic("created-on-demand")).partitionCount());
      await(producer.close());
    }
  }

  @Test
  void shouldSerializeBytesAsGiven() throws Exception {
    try (Runnel runnel = TestNode.start(dataDir)) {
      await(runnel.admin().createTopic(new NewTopic("bytes", 1)));
      byte[] value = {0, 1, 2, (byte) 0xff};
      ProducerSettings<byte[], byte[]> settings =
          ProducerSettings.create(
              runnel, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
      await(
          Source.<ProducerRecord<byte[], byte[]>>single(new ProducerRecord<>("bytes", null, value))
              .runWith(Producer.plainSink(settings), runnel.system()));
      ConsumerRecord<byte[], byte[]> read =
          await(
              Consumer.plainSource(
                      ConsumerSettings.create(
                          runnel,
                          Serdes.ByteArray().deserializer(),
                          Serdes.ByteArray().deserializer()),
                      Subscriptions.assignmentWithOffset(new TopicPartition("bytes", 0), 0))
                  .runWith(Sink.head(), runnel.system()));
      assertArrayEquals(value, read.value());
      assertEquals(ConsumerRecord.NULL_SIZE, read.serializedKeySize());
      assertEquals(4, read.serializedValueSize());
    }
  }
}
