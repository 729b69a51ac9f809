package dev.runnel.api.grpc;

import static dev.runnel.api.TestNode.assertHoldsFor;
import static dev.runnel.api.TestNode.awaitCondition;
import static dev.runnel.api.TestNode.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import akka.Done;
import akka.japi.Pair;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.grpc.v1.ConsumeRequest;
import dev.runnel.api.grpc.v1.ConsumeResponse;
import dev.runnel.api.grpc.v1.ConsumerRecord;
import dev.runnel.api.producer.ProducerRecord;
import dev.runnel.api.producer.ProducerSettings;
import dev.runnel.api.producer.RunnelProducer;
import dev.runnel.api.remote.RemoteConnection;
import dev.runnel.api.remote.RemoteTestServer;
import dev.runnel.api.serialization.Serdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call that carries no data for longer than the server's idle timeout: the server's HTTP/2 pings
 * keep its connection open, so a consumer following a quiet topic keeps its stream. The idle
 * timeout is cut from 60 s to 3 s here, and the pings come every second.
 */
class IdleConnectionTest {

  @TempDir Path dataDir;
  private RemoteTestServer server;
  private RemoteConnection connection;

  @BeforeEach
  void start() {
    server =
        RemoteTestServer.start(
            dataDir,
            Map.of("akka.http.server.idle-timeout", "3s", "runnel.server.ping-interval", "1s"));
    connection = RemoteConnection.open(server.clientConfig());
  }

  @AfterEach
  void stop() {
    if (connection != null) {
      connection.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void shouldKeepAConsumeStreamOpenWhileItsTopicIsQuietForLongerThanTheIdleTimeout() {
    String topic = "quiet";
    result(server.node().admin().createTopic(new NewTopic(topic, 1)));
    List<ConsumerRecord> received = new CopyOnWriteArrayList<>();
    Pair<?, CompletionStage<Done>> call =
        connection
            .client()
            .consume(
                ConsumeRequest.newBuilder()
                    .setTopic(topic)
                    .setPartition(0)
                    .setOffset(0)
                    .setFollow(true)
                    .build())
            .toMat(
                Sink.foreach(
                    (ConsumeResponse response) -> received.addAll(response.getRecordsList())),
                Keep.both())
            .run(connection.system());
    CompletionStage<Done> ended = call.second();

    assertHoldsFor(
        () -> !ended.toCompletableFuture().isDone(),
        Duration.ofSeconds(6),
        "the quiet stream stays open past the idle timeout: " + ended);

    RunnelProducer<String, String> producer =
        server
            .node()
            .producer(
                ProducerSettings.create(
                    server.node(), Serdes.String().serializer(), Serdes.String().serializer()));
    result(producer.send(new ProducerRecord<>(topic, "k", "after the quiet")));
    result(producer.close());
    awaitCondition(() -> received.size() == 1, Duration.ofSeconds(10));
    assertEquals("after the quiet", received.get(0).getValue().toStringUtf8());
    assertFalse(ended.toCompletableFuture().isDone(), "the same stream delivered it");
  }
}
