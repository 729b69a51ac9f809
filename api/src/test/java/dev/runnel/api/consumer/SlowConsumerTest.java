package dev.runnel.api.consumer;

import static dev.runnel.api.TestNode.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.japi.Pair;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Source;
import akka.stream.testkit.TestSubscriber;
import akka.stream.testkit.javadsl.TestSink;
import dev.runnel.actors.TopicPartition;
import dev.runnel.api.Runnel;
import dev.runnel.api.TestNode;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.producer.Producer;
import dev.runnel.api.producer.ProducerRecord;
import dev.runnel.api.producer.ProducerSettings;
import dev.runnel.api.serialization.Serdes;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer that takes one record at a time while a producer writes a million: what the consumer
 * stream holds stays within a few batches, however far the producer runs ahead.
 */
class SlowConsumerTest {

  private static final int PRODUCED = 1_000_000;
  private static final int BUFFER_BATCHES = 4;

  @TempDir Path dataDir;

  @Test
  void shouldHoldAFewBatchesAtMostWhileAProducerRunsFarAhead() {
    try (Runnel runnel = TestNode.start(dataDir)) {
      result(runnel.admin().createTopic(new NewTopic("firehose", 1)));
      ProducerSettings<Long, Long> producerSettings =
          ProducerSettings.create(runnel, Serdes.Long().serializer(), Serdes.Long().serializer());
      // Records of 16 bytes of key and value: a 16 KiB batch holds a few hundred of them.
      int recordsPerBatch = producerSettings.batchSize() / 16;
      long bound = (long) (BUFFER_BATCHES + 2) * recordsPerBatch;

      Pair<Consumer.Control, TestSubscriber.Probe<ConsumerRecord<Long, Long>>> consumer =
          Consumer.plainSource(
                  ConsumerSettings.create(
                          runnel, Serdes.Long().deserializer(), Serdes.Long().deserializer())
                      .withBufferBatches(BUFFER_BATCHES),
                  Subscriptions.assignmentWithOffset(new TopicPartition("firehose", 0), 0))
              .toMat(TestSink.probe(runnel.system().classicSystem()), Keep.both())
              .run(runnel.system());
      CompletionStage<Done> produced =
          Source.range(1, PRODUCED)
              .map(i -> new ProducerRecord<Long, Long>("firehose", (long) i, (long) i))
              .runWith(Producer.plainSink(producerSettings), runnel.system());

      TestSubscriber.Probe<ConsumerRecord<Long, Long>> probe = consumer.second();
      long next = 0;
      long maxHeld = 0;
      while (!produced.toCompletableFuture().isDone() || next < 2_000) {
        probe.request(1);
        assertEquals(next, probe.expectNext().offset());
        next++;
        ConsumerMetrics metrics = consumer.first().metrics();
        long held = metrics.recordsReceived() - metrics.recordsEmitted();
        maxHeld = Math.max(maxHeld, held);
        assertTrue(held <= bound, "held=" + held + ", bound=" + bound + ", " + metrics);
      }
      result(produced);
      assertTrue(next < PRODUCED / 2, "the producer ran far ahead: consumed=" + next);
      assertTrue(maxHeld > 0, "the bound was measured while records were held");
      assertEquals(Done.getInstance(), result(consumer.first().shutdown()));
      ConsumerMetrics metrics = consumer.first().metrics();
      assertTrue(
          metrics.recordsReceived() - metrics.recordsEmitted() <= bound,
          "what the stream held when the producer was done: " + metrics);
    }
  }
}
