package dev.runnel.api.producer;

import static dev.runnel.api.TestNode.assertFails;
import static dev.runnel.api.TestNode.awaitCondition;
import static dev.runnel.api.TestNode.result;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.partition.OffsetSpec;
import dev.runnel.api.TestNode;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.consumer.ConsumerRecord;
import dev.runnel.api.remote.RemoteTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The producer of a remote client: {@link ProducerTest}'s tests run unchanged against a server in
 * this JVM (the records are read on the server's node), and a producer rides through a server
 * restart with every acknowledged record stored exactly once.
 */
class RemoteProducerTest extends ProducerTest {

  @TempDir static Path serverDir;
  private static RemoteTestServer server;

  /** Hides {@link ProducerTest#startNode}: the producers are a remote client's. */
  @BeforeAll
  static void startNode() {
    server = RemoteTestServer.start(serverDir);
    runnel = server.client();
    node = server.node();
  }

  @AfterAll
  static void stopNode() {
    if (server != null) {
      server.close();
    }
  }

  private static List<CompletableFuture<RecordMetadata>> sendAll(
      RunnelProducer<String, String> producer, String topic, int from, int to) {
    List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
    for (int i = from; i < to; i++) {
      sent.add(producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).toCompletableFuture());
    }
    return sent;
  }

  @Test
  void shouldStoreEveryAcknowledgedRecordOnceAcrossAServerRestart() {
    String topic = "restarted";
    result(runnel.admin().createTopic(new NewTopic(topic, 2)));
    RunnelProducer<String, String> producer =
        runnel.producer(settings().withLinger(Duration.ofMillis(2)).withBatchSize(2048));

    List<CompletableFuture<RecordMetadata>> sent = sendAll(producer, topic, 0, 500);
    sent.forEach(TestNode::result);
    // Batches in flight while the server stops fail NOT_AVAILABLE and are sent again, under the
    // same producer id and sequence numbers, once it is back.
    sent.addAll(sendAll(producer, topic, 500, 1500));
    server.stop();
    sent.addAll(sendAll(producer, topic, 1500, 2000));
    server.startAgain();
    node = server.node();
    sent.addAll(sendAll(producer, topic, 2000, 2500));
    result(producer.close());

    Map<TopicPartition, Integer> perPartition = new HashMap<>();
    Map<String, RecordMetadata> acknowledged = new HashMap<>();
    for (int i = 0; i < sent.size(); i++) {
      RecordMetadata metadata = result(sent.get(i));
      acknowledged.put("v" + i, metadata);
      perPartition.merge(new TopicPartition(topic, metadata.partition()), 1, Integer::sum);
    }
    int stored = 0;
    for (Map.Entry<TopicPartition, Integer> partition : perPartition.entrySet()) {
      long end = result(node.admin().listOffsets(partition.getKey(), OffsetSpec.latest())).offset();
      assertEquals((long) partition.getValue(), end, "no duplicate in " + partition.getKey());
      for (ConsumerRecord<String, String> record : read(partition.getKey(), (int) end)) {
        RecordMetadata metadata = acknowledged.get(record.value());
        assertEquals(record.offset(), metadata.offset(), record.value());
        assertEquals(record.partition(), metadata.partition(), record.value());
        stored++;
      }
    }
    assertEquals(2500, stored, "every acknowledged record once");
    assertEquals(2, perPartition.size(), "keys spread over both partitions: " + perPartition);
  }

  @Test
  void shouldDescribeATopicAgainOnceItsDescriptionIsOldOrShownWrong() {
    String topic = "growing";
    result(runnel.admin().createTopic(new NewTopic(topic, 1)));
    RunnelProducer<String, String> keeping =
        runnel.producer(settings().withMetadataMaxAge(Duration.ofHours(1)));
    RunnelProducer<String, String> ageing =
        runnel.producer(settings().withMetadataMaxAge(Duration.ofMillis(100)));
    assertEquals(0, result(keeping.send(new ProducerRecord<>(topic, "k", "v"))).partition());
    assertEquals(0, result(ageing.send(new ProducerRecord<>(topic, "k", "v"))).partition());
    result(runnel.admin().createPartitions(topic, 3));

    // A record for a partition the kept description lacks fails, and shows it out of date.
    assertFails(
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        keeping.send(new ProducerRecord<>(topic, 2, "k", "v")));
    assertEquals(2, result(keeping.send(new ProducerRecord<>(topic, 2, "k", "v"))).partition());

    // Keyed records spread over the new partitions once the description is old.
    AtomicInteger key = new AtomicInteger();
    awaitCondition(
        () ->
            result(ageing.send(new ProducerRecord<>(topic, "key-" + key.incrementAndGet(), "v")))
                    .partition()
                > 0,
        Duration.ofSeconds(10));
    result(keeping.close());
    result(ageing.close());
  }
}
