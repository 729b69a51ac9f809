package dev.runnel.api.producer;

import static dev.runnel.api.TestNode.assertFails;
import static dev.runnel.api.TestNode.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.stream.javadsl.Sink;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.partition.Acks;
import dev.runnel.actors.partition.AppendReply;
import dev.runnel.actors.partition.PartitionCommand;
import dev.runnel.actors.partition.ReaderReply;
import dev.runnel.actors.partition.StoredBatch;
import dev.runnel.api.Runnel;
import dev.runnel.api.TestNode;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.consumer.Consumer;
import dev.runnel.api.consumer.ConsumerRecord;
import dev.runnel.api.consumer.ConsumerSettings;
import dev.runnel.api.consumer.Subscriptions;
import dev.runnel.api.serialization.Serdes;
import dev.runnel.persistence.record.CompressionCodec;
import dev.runnel.persistence.record.RecordBatchCodec;
import dev.runnel.persistence.record.TimestampType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The producer through the public API on a real node: what it stores, and how it fails. {@link
 * RemoteProducerTest} runs the same tests with a remote client of a server.
 */
class ProducerTest {

  @TempDir static Path dataDir;

  /** Where the producers under test run. */
  static Runnel runnel;

  /** The node that stores the records, read to check them: {@link #runnel} itself here. */
  static Runnel node;

  @BeforeAll
  static void startNode() {
    runnel = TestNode.start(dataDir);
    node = runnel;
  }

  @AfterAll
  static void stopNode() {
    runnel.close();
  }

  static ProducerSettings<String, String> settings() {
    return ProducerSettings.create(
        runnel, Serdes.String().serializer(), Serdes.String().serializer());
  }

  private static void createTopic(String name, int partitions) {
    result(runnel.admin().createTopic(new NewTopic(name, partitions)));
  }

  static List<ConsumerRecord<String, String>> read(TopicPartition tp, int count) {
    return result(
        Consumer.plainSource(
                ConsumerSettings.create(
                    node, Serdes.String().deserializer(), Serdes.String().deserializer()),
                Subscriptions.assignmentWithOffset(tp, 0))
            .take(count)
            .runWith(Sink.seq(), node.system()));
  }

  private static List<StoredBatch> storedBatches(TopicPartition tp, int count) {
    CompletionStage<ReaderReply> opened =
        node.node()
            .partition(tp)
            .ask(replyTo -> new PartitionCommand.OpenReader(0, replyTo), Duration.ofSeconds(10));
    ReaderReply.ReaderOpened reader = (ReaderReply.ReaderOpened) result(opened);
    return result(reader.batches().getSource().take(count).runWith(Sink.seq(), node.system()));
  }

  @Test
  void shouldHaveKafkaDefaultsAndRefuseBadSettingsByName() {
    ProducerSettings<String, String> defaults = settings();
    assertEquals(Acks.ALL, defaults.acks());
    assertTrue(defaults.enableIdempotence());
    assertEquals(Duration.ofMillis(5), defaults.linger());
    assertEquals(16384, defaults.batchSize());
    assertEquals(Duration.ofMinutes(2), defaults.deliveryTimeout());
    assertEquals(5, defaults.maxInFlight());
    assertEquals(32 * 1024 * 1024, defaults.bufferMemory());
    assertEquals(Duration.ofMillis(20), defaults.withProperty("linger.ms", "20").linger());

    RunnelException unknown =
        assertThrows(RunnelException.class, () -> defaults.withProperty("lingr.ms", "1"));
    assertEquals(ErrorCode.INVALID_CONFIG, unknown.code());
    assertTrue(
        assertThrows(RunnelException.class, () -> defaults.withMaxInFlight(6))
            .getMessage()
            .contains("name=max.in.flight.requests.per.connection, value=6"));
    assertTrue(
        assertThrows(RunnelException.class, () -> defaults.withAcks(Acks.NONE))
            .getMessage()
            .contains("enable.idempotence"));
    assertEquals(Acks.NONE, defaults.withEnableIdempotence(false).withAcks(Acks.NONE).acks());
    assertTrue(
        assertThrows(
                RunnelException.class, () -> defaults.withDeliveryTimeout(Duration.ofSeconds(1)))
            .getMessage()
            .contains("name=delivery.timeout.ms"));
  }

  @Test
  void shouldStoreIdempotentBatchesThatAResendDoesNotDuplicate() {
    createTopic("idempotent", 1);
    TopicPartition tp = new TopicPartition("idempotent", 0);
    RunnelProducer<String, String> producer = runnel.producer(settings());
    for (int i = 0; i < 5; i++) {
      producer.send(new ProducerRecord<>("idempotent", "k", "v" + i));
    }
    result(producer.flush());
    result(producer.close());

    StoredBatch stored = storedBatches(tp, 1).get(0);
    assertTrue(stored.producerId() >= 0, "the producer id comes from the registry");
    assertEquals(0, stored.producerEpoch());
    assertEquals(0, stored.baseSequence());

    // What a retry after a lost answer sends: the same bytes, base offset 0.
    ByteBuffer copy = ByteBuffer.allocate(stored.sizeInBytes()).put(stored.buffer()).flip();
    RecordBatchCodec.setBaseOffset(copy, 0);
    AppendReply again =
        result(
            node.node()
                .partition(tp)
                .ask(
                    replyTo -> new PartitionCommand.Append(copy.array(), Acks.ALL, replyTo),
                    Duration.ofSeconds(10)));
    assertEquals(0, ((AppendReply.Appended) again).baseOffset(), "answered with its first offset");

    RunnelProducer<String, String> next = runnel.producer(settings());
    RecordMetadata after = result(next.send(new ProducerRecord<>("idempotent", "k", "after")));
    result(next.close());
    assertEquals(5, after.offset(), "the resend took no offsets");
    List<ConsumerRecord<String, String>> records = read(tp, 6);
    assertEquals(
        List.of("v0", "v1", "v2", "v3", "v4", "after"),
        records.stream().map(ConsumerRecord::value).toList());
  }

  @Test
  void shouldKeepEachThreadsOrderInEveryPartitionAndLoseNothingWhenThreadsSendAtOnce()
      throws Exception {
    createTopic("threads", 3);
    int threads = 4;
    int perThread = 1500;
    // Small batches and no linger: many batches open, fill and leave while the threads append.
    RunnelProducer<String, String> producer =
        runnel.producer(settings().withBatchSize(1024).withLinger(Duration.ZERO));
    ExecutorService senders = Executors.newFixedThreadPool(threads);
    List<Future<List<CompletableFuture<RecordMetadata>>>> sending = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      sending.add(
          senders.submit(
              () -> {
                List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                  sent.add(
                      producer
                          .send(new ProducerRecord<>("threads", thread + ":" + i))
                          .toCompletableFuture());
                }
                return sent;
              }));
    }
    int[] perPartition = new int[3];
    for (Future<List<CompletableFuture<RecordMetadata>>> sent : sending) {
      for (CompletableFuture<RecordMetadata> record : sent.get()) {
        perPartition[result(record).partition()]++;
      }
    }
    senders.shutdown();
    result(producer.close());

    int total = 0;
    for (int p = 0; p < 3; p++) {
      int[] next = new int[threads];
      for (ConsumerRecord<String, String> record :
          read(new TopicPartition("threads", p), perPartition[p])) {
        String[] sender = record.value().split(":");
        int thread = Integer.parseInt(sender[0]);
        int index = Integer.parseInt(sender[1]);
        assertTrue(index >= next[thread], "in order: partition=" + p + ", " + record.value());
        next[thread] = index + 1;
        total++;
      }
    }
    assertEquals(threads * perThread, total, "every record once");
    assertTrue(
        perPartition[0] > 0 && perPartition[1] > 0 && perPartition[2] > 0,
        "records without key spread over the partitions: " + Arrays.toString(perPartition));
  }

  @Test
  void shouldFailWithNamedErrorsBeforeAndAfterSending() {
    createTopic("small", 1);
    result(runnel.admin().alterTopicConfig("small", Map.of("max.message.bytes", "1000"), Set.of()));
    RunnelProducer<String, String> producer =
        runnel.producer(settings().withMaxRequestSize(4000).withMaxBlock(Duration.ofMillis(300)));
    String big = "x".repeat(2000);
    String huge = "x".repeat(5000);

    RunnelException tooLargeForClient =
        assertFails(ErrorCode.RECORD_TOO_LARGE, producer.send(new ProducerRecord<>("small", huge)));
    assertTrue(tooLargeForClient.getMessage().contains("max.request.size=4000"));
    RunnelException tooLargeForTopic =
        assertFails(ErrorCode.RECORD_TOO_LARGE, producer.send(new ProducerRecord<>("small", big)));
    assertTrue(tooLargeForTopic.getMessage().contains("max.message.bytes=1000"));
    assertFails(
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        producer.send(new ProducerRecord<>("no-such-topic", "v")));
    assertFails(
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        producer.send(new ProducerRecord<>("small", 3, "k", "v")));
    RunnelProducer<String, String> failing =
        runnel.producer(
            settings()
                .withValueSerializer(
                    (topic, value) -> {
                      throw new IllegalStateException("cannot");
                    }));
    RunnelException invalid =
        assertFails(ErrorCode.INVALID_RECORD, failing.send(new ProducerRecord<>("small", "v")));
    assertInstanceOf(IllegalStateException.class, invalid.getCause());
    result(producer.close());
    assertFails(ErrorCode.NOT_AVAILABLE, producer.send(new ProducerRecord<>("small", "v")));
    result(failing.close());
  }

  @Test
  void shouldRefuseRecordsBeyondBufferMemoryAtOnceAndTakeThemAgainLater() {
    createTopic("buffered", 1);
    RunnelProducer<String, String> producer =
        runnel.producer(
            settings()
                .withMaxRequestSize(2000)
                .withBufferMemory(2000)
                .withLinger(Duration.ofSeconds(30))
                .withBatchSize(100_000));
    String value = "x".repeat(800);
    CompletionStage<RecordMetadata> first = producer.send(new ProducerRecord<>("buffered", value));
    CompletionStage<RecordMetadata> second = producer.send(new ProducerRecord<>("buffered", value));

    RunnelException full =
        assertFails(
            ErrorCode.BUFFER_EXHAUSTED, producer.send(new ProducerRecord<>("buffered", value)));
    assertTrue(full.getMessage().contains("buffer.memory=2000"));
    assertFalse(first.toCompletableFuture().isDone(), "the others linger, unharmed");

    result(producer.flush());
    assertEquals(0, result(first).offset());
    assertEquals(1, result(second).offset());
    assertEquals(0, producer.bufferedBytes());
    CompletionStage<RecordMetadata> later = producer.send(new ProducerRecord<>("buffered", value));
    result(producer.flush());
    assertEquals(2, result(later).offset());
    result(producer.close());
  }

  @Test
  void shouldAnswerWithoutOffsetsUnderAcksNone() {
    createTopic("fire-and-forget", 1);
    RunnelProducer<String, String> producer =
        runnel.producer(settings().withEnableIdempotence(false).withAcks(Acks.NONE));

    RecordMetadata metadata =
        result(producer.send(new ProducerRecord<>("fire-and-forget", "k", "v")));
    result(producer.close());

    assertFalse(metadata.hasOffset());
    assertEquals("v", read(new TopicPartition("fire-and-forget", 0), 1).get(0).value());
  }

  @Test
  void shouldReportTheAppendTimeOfALogAppendTimeTopicAndRoundTripCompressedBatches() {
    result(
        runnel
            .admin()
            .createTopic(
                new NewTopic("stamped", 1).withConfig("message.timestamp.type", "LogAppendTime")));
    for (CompressionCodec codec : CompressionCodec.values()) {
      RunnelProducer<String, String> producer = runnel.producer(settings().withCompression(codec));
      List<CompletionStage<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        sent.add(producer.send(new ProducerRecord<>("stamped", 0, 1L, "k", codec + "-" + i, null)));
      }
      result(producer.close());
      RecordMetadata last = result(sent.get(49));
      assertTrue(last.timestamp() > 1L, "the append time, not the producer's: " + last);
    }
    List<ConsumerRecord<String, String>> records = read(new TopicPartition("stamped", 0), 150);
    assertEquals(TimestampType.LOG_APPEND_TIME, records.get(0).timestampType());
    assertTrue(records.get(0).timestamp() > 1L);
    assertEquals("NONE-0", records.get(0).value());
    assertEquals("ZSTD-49", records.get(149).value());
  }
}
