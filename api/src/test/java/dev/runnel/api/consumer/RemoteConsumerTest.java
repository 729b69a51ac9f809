package dev.runnel.api.consumer;

import static dev.runnel.api.TestNode.awaitCondition;
import static dev.runnel.api.TestNode.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.japi.Pair;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.testkit.TestSubscriber;
import akka.stream.testkit.javadsl.TestSink;
import dev.runnel.actors.TopicPartition;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.producer.Producer;
import dev.runnel.api.producer.ProducerRecord;
import dev.runnel.api.producer.ProducerSettings;
import dev.runnel.api.remote.RemoteTestServer;
import dev.runnel.api.serialization.Serdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer of a remote client with a manual assignment: {@link ConsumerTest}'s tests run
 * unchanged against a server in this JVM; a consumer keeps going across a server restart with no
 * gap and no repeat; a consumer that stops pulling stops its call.
 */
class RemoteConsumerTest extends ConsumerTest {

  @TempDir static Path serverDir;
  private static RemoteTestServer server;

  /** Hides {@link ConsumerTest#startNode}: the consumers are a remote client's. */
  @BeforeAll
  static void startNode() {
    server = RemoteTestServer.start(serverDir);
    runnel = server.client();
  }

  @AfterAll
  static void stopNode() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void shouldResumeAcrossAServerRestartWithoutGapOrRepeat() {
    TopicPartition tp = new TopicPartition("resumed", 0);
    result(runnel.admin().createTopic(new NewTopic("resumed", 1)));
    produce("resumed", 0, 300);
    List<Long> offsets = Collections.synchronizedList(new ArrayList<>());
    Pair<Consumer.Control, CompletionStage<Done>> running =
        Consumer.plainSource(settings(), Subscriptions.assignmentWithOffset(tp, 0))
            .toMat(Sink.foreach(record -> offsets.add(record.offset())), Keep.both())
            .run(runnel.system());
    awaitCondition(() -> offsets.size() >= 300, Duration.ofSeconds(20));

    server.restart();
    produce("resumed", 300, 300);
    awaitCondition(() -> offsets.size() >= 600, Duration.ofSeconds(20));

    assertEquals(LongStream.range(0, 600).boxed().toList(), List.copyOf(offsets));
    assertTrue(running.first().metrics().readerRestarts() >= 1, "the call broke and was renewed");
    result(running.first().shutdown());
  }

  @Test
  void shouldStopTheServerReadingWhenTheConsumerStopsPulling() {
    TopicPartition tp = new TopicPartition("unread", 0);
    result(server.node().admin().createTopic(new NewTopic("unread", 1)));
    int total = 16_000;
    String value = "x".repeat(1000);
    result(
        Source.range(1, total)
            .map(i -> new ProducerRecord<String, String>("unread", value))
            .runWith(
                Producer.plainSink(
                    ProducerSettings.create(
                        server.node(), Serdes.String().serializer(), Serdes.String().serializer())),
                server.node().system()));

    Pair<Consumer.Control, TestSubscriber.Probe<ConsumerRecord<String, String>>> running =
        Consumer.plainSource(settings(), Subscriptions.assignmentWithOffset(tp, 0))
            .toMat(TestSink.probe(runnel.system().classicSystem()), Keep.both())
            .run(runnel.system());
    running.second().request(10).expectNextN(10);

    // The call delivers what the flow-control window and the stream's buffers hold, then stops.
    AtomicLong seen = new AtomicLong(-1);
    AtomicLong unchangedSince = new AtomicLong();
    awaitCondition(
        () -> {
          long received = running.first().metrics().recordsReceived();
          long now = System.nanoTime();
          if (received != seen.getAndSet(received)) {
            unchangedSince.set(now);
          }
          return now - unchangedSince.get() > Duration.ofMillis(500).toNanos();
        },
        Duration.ofSeconds(20));
    long received = running.first().metrics().recordsReceived();
    assertTrue(received < total / 4, "received=" + received + " of " + total);

    running.second().request(total - 10);
    assertEquals(total - 10, running.second().expectNextN(total - 10).size());
    result(running.first().shutdown());
  }
}
