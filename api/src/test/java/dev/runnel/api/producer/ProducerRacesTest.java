package dev.runnel.api.producer;

import static dev.runnel.api.TestNode.assertFails;
import static dev.runnel.api.TestNode.assertHoldsFor;
import static dev.runnel.api.TestNode.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Races between the producer's actor and what it waits for, on a real node, with the node's access
 * held back at a chosen point so that every step happens in a known order.
 */
class ProducerRacesTest {

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

  /** The node's access, whose append answers wait until {@link #release}. */
  private static final class HeldAnswers extends ForwardingAccess {
    private final List<Object> appends = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> released = new CompletableFuture<>();

    HeldAnswers(ProducerAccess node) {
      super(node);
    }

    int appends() {
      return appends.size();
    }

    void release() {
      released.complete(null);
    }

    @Override
    public CompletionStage<AppendReply> append(ProducerBatch batch, Duration timeout) {
      appends.add(batch);
      return super.append(batch, timeout)
          .thenCombineAsync(
              released, (reply, ignored) -> reply, runnel.system().executionContext());
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
        settings()
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
      assertHoldsFor(
          () -> access.appends() == 1,
          Duration.ofMillis(400),
          "the window holds one batch while the second lingers out");
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

  private static ProducerSettings<String, String> settings() {
    return ProducerSettings.create(
        runnel, Serdes.String().serializer(), Serdes.String().serializer());
  }

  @Test
  void shouldFailARecordHandedOverToTheActorAfterTheProducerStopped() throws Exception {
    // The sending thread finds no metadata for the topic only once the producer has stopped, and
    // hands the record over to an actor that is gone.
    CountDownLatch lookingUp = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    ProducerSettings<String, String> settings = settings();
    ForwardingAccess access =
        new ForwardingAccess(new EmbeddedProducerAccess(settings)) {
          @Override
          public Optional<TopicMetadata> topic(String name) {
            lookingUp.countDown();
            try {
              closed.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return Optional.empty();
          }
        };
    RunnelProducer<String, String> producer = RunnelProducer.create(settings, access);
    ExecutorService sender = Executors.newSingleThreadExecutor();
    try {
      Future<CompletionStage<RecordMetadata>> sent =
          sender.submit(() -> producer.send(new ProducerRecord<>("late", "k", "v")));
      assertTrue(lookingUp.await(10, TimeUnit.SECONDS));
      result(producer.close());
      closed.countDown();
      RunnelException error = assertFails(ErrorCode.NOT_AVAILABLE, sent.get(10, TimeUnit.SECONDS));
      assertTrue(error.getMessage().contains("topic=late"), error.getMessage());
    } finally {
      sender.shutdownNow();
    }
  }
}
