package dev.runnel.api.producer;

import static dev.runnel.api.TestNode.result;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runnel.actors.partition.AppendReply;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.api.Runnel;
import dev.runnel.api.TestNode;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.serialization.Serdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the producer actor wakes up to send: batches that wait for their linger behind a full
 * in-flight window on a real node, with the node's answers held back until the test lets them
 * through, so that every step happens in a known order.
 */
class ProducerWakeupTest {

  @TempDir static Path dataDir;
  static Runnel runnel;

  @BeforeAll
  static void startNode() {
    runnel = TestNode.start(dataDir);
  }

  @AfterAll
  static void stopNode() {
    runnel.close();
  }

  /**
   * The node's access, whose append answers wait until {@link #release} while {@link #hold} is on.
   * The appends themselves reach the node at once.
   */
  private static final class HeldAnswers implements ProducerAccess {
    private final ProducerAccess node;
    private final List<Object> appends = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> released = new CompletableFuture<>();

    HeldAnswers(ProducerAccess node) {
      this.node = node;
    }

    int appends() {
      return appends.size();
    }

    void release() {
      released.complete(null);
    }

    @Override
    public CompletionStage<AppendReply> append(ProducerBatch batch, Duration timeout) {
      appends.add(null);
      return node.append(batch, timeout)
          .thenCombineAsync(
              released, (reply, ignored) -> reply, runnel.system().executionContext());
    }

    @Override
    public Optional<TopicMetadata> topic(String name) {
      return node.topic(name);
    }

    @Override
    public Optional<TopicMetadata> lastKnown(String name) {
      return node.lastKnown(name);
    }

    @Override
    public CompletionStage<TopicMetadata> awaitTopic(String name, Duration maxBlock) {
      return node.awaitTopic(name, maxBlock);
    }

    @Override
    public void stale(String topic) {
      node.stale(topic);
    }

    @Override
    public int nextStickyPartition(String topic, int partitions) {
      return node.nextStickyPartition(topic, partitions);
    }

    @Override
    public CompletionStage<Long> allocateProducerId(Duration timeout) {
      return node.allocateProducerId(timeout);
    }

    @Override
    public void close() {
      node.close();
    }
  }

  private static void awaitAppends(HeldAnswers access, int count) {
    TestNode.awaitCondition(() -> access.appends() >= count, Duration.ofSeconds(10));
  }

  @Test
  void shouldSendABatchThatLingeredBehindAFullWindowOnceItsLingerRunsOut() throws Exception {
    String topic = "lingering";
    result(runnel.admin().createTopic(new NewTopic(topic, 1)));
    // One batch in flight; a batch of one such record is about 140 bytes, two do not fit in 200,
    // so each record closes the batch before it. Deliveries time out only after two minutes.
    ProducerSettings<String, String> settings =
        ProducerSettings.create(runnel, Serdes.String().serializer(), Serdes.String().serializer())
            .withProperty("max.in.flight.requests.per.connection", "1")
            .withProperty("batch.size", "200")
            .withProperty("linger.ms", "300");
    HeldAnswers access = new HeldAnswers(new EmbeddedProducerAccess(settings));
    RunnelProducer<String, String> producer = RunnelProducer.create(settings, access);
    String value = "v".repeat(40);
    try {
      // The first batch goes when its linger ran out; its answer is held.
      CompletionStage<RecordMetadata> first =
          producer.send(new ProducerRecord<>(topic, "k", value + 0));
      awaitAppends(access, 1);
      // The second lingers out while the first is in flight, then the third closes it: the third
      // opens a batch behind a closed one that cannot go yet, and no linger is timed for it.
      CompletionStage<RecordMetadata> second =
          producer.send(new ProducerRecord<>(topic, "k", value + 1));
      Thread.sleep(400);
      CompletionStage<RecordMetadata> third =
          producer.send(new ProducerRecord<>(topic, "k", value + 2));
      assertEquals(1, access.appends(), "the window holds one batch");
      // Answers go through from now on: the second goes at once, the third once its linger ran out.
      access.release();
      assertEquals(2, third.toCompletableFuture().get(10, TimeUnit.SECONDS).offset());
      assertEquals(0, result(first).offset());
      assertEquals(1, result(second).offset());
      assertEquals(3, access.appends(), "one batch each");
    } finally {
      result(producer.close());
    }
  }
}
