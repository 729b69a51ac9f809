package dev.runnel.api.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.NotUsed;
import akka.actor.ActorSystem;
import akka.grpc.GrpcClientSettings;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.SinkQueueWithCancel;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import com.typesafe.config.ConfigFactory;
import dev.runnel.api.grpc.v1.ConsumeGroupRequest;
import dev.runnel.api.grpc.v1.ConsumeRequest;
import dev.runnel.api.grpc.v1.ConsumeResponse;
import dev.runnel.api.grpc.v1.ConsumerRecord;
import dev.runnel.api.grpc.v1.CreateTopicRequest;
import dev.runnel.api.grpc.v1.GroupEvent;
import dev.runnel.api.grpc.v1.OffsetReset;
import dev.runnel.api.grpc.v1.ProduceRequest;
import dev.runnel.api.grpc.v1.ProduceResponse;
import dev.runnel.api.grpc.v1.ProducerRecord;
import dev.runnel.api.grpc.v1.RunnelServiceClient;
import dev.runnel.api.server.ServerProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer that stops reading must stop the server reading the log for it: a server with a small
 * heap, which exits on running out of memory, takes several times its heap from a producer while a
 * remote consumer of the same partition does not read, and then still serves that consumer every
 * record in order. Both kinds of consuming call: a partition's and a group member's.
 */
class BoundedMemoryTest {

  private static final int HEAP_MB = 128;
  private static final int RECORD_BYTES = 8 * 1024;
  private static final int RECORDS_PER_BATCH = 64;
  private static final int BATCHES = 4 * HEAP_MB * 1024 * 1024 / (RECORD_BYTES * RECORDS_PER_BATCH);

  private static final String TOPIC = "flood";

  @TempDir Path dir;

  @Test
  void shouldHoldBoundedMemoryForAConsumerThatStoppedReading() throws Exception {
    floodWhilePaused(
        client ->
            client
                .consume(
                    ConsumeRequest.newBuilder()
                        .setTopic(TOPIC)
                        .setPartition(0)
                        .setOffset(0)
                        .setFollow(true)
                        .build())
                .map(ConsumeResponse::getRecordsList));
  }

  @Test
  void shouldHoldBoundedMemoryForAGroupMemberThatStoppedReading() throws Exception {
    floodWhilePaused(
        client ->
            client
                .consumeGroup(
                    ConsumeGroupRequest.newBuilder()
                        .setGroupId("paused")
                        .addTopics(TOPIC)
                        .setReset(OffsetReset.OFFSET_RESET_EARLIEST)
                        .build())
                .filter(GroupEvent::hasRecords)
                .map(event -> event.getRecords().getRecordsList()));
  }

  /**
   * Opens the paused consumer's call before a producer writes several heaps' worth of records to
   * the one partition, then reads every record from the call in order.
   */
  private void floodWhilePaused(
      Function<RunnelServiceClient, Source<List<ConsumerRecord>, NotUsed>> consumer)
      throws Exception {
    ActorSystem system =
        ActorSystem.create("bounded-client", ConfigFactory.parseString("akka.loglevel = WARNING"));
    try (ServerProcess server =
        ServerProcess.start(
            dir.resolve("data"),
            List.of("-Xmx" + HEAP_MB + "m", "-XX:+ExitOnOutOfMemoryError"),
            Map.of(),
            "--port=0")) {
      int port = server.awaitReady();
      RunnelServiceClient client =
          RunnelServiceClient.create(
              GrpcClientSettings.connectToServiceAt("127.0.0.1", port, system).withTls(false),
              system);
      await(
          client.createTopic(
              CreateTopicRequest.newBuilder().setName(TOPIC).setPartitions(1).build()));

      SinkQueueWithCancel<List<ConsumerRecord>> paused =
          consumer.apply(client).runWith(Sink.queue(), system);

      ByteString value = ByteString.copyFrom(new byte[RECORD_BYTES]);
      ProduceRequest.Builder batch = ProduceRequest.newBuilder().setTopic(TOPIC).setPartition(0);
      for (int i = 0; i < RECORDS_PER_BATCH; i++) {
        batch.addRecords(ProducerRecord.newBuilder().setValue(value));
      }
      ProduceRequest request = batch.build();
      List<ProduceResponse> acks =
          await(
              client
                  .produceStream(Source.repeat(request).take(BATCHES))
                  .runWith(Sink.seq(), system));

      assertEquals(BATCHES, acks.size());
      assertFalse(acks.stream().anyMatch(ProduceResponse::hasError), "every batch stored");
      assertTrue(server.isAlive(), "the server kept within its heap:\n" + server.output());

      long expected = 0;
      long total = (long) BATCHES * RECORDS_PER_BATCH;
      while (expected < total) {
        Optional<List<ConsumerRecord>> records = await(paused.pull());
        assertTrue(records.isPresent(), "the consumer's stream ended at offset " + expected);
        for (ConsumerRecord record : records.get()) {
          assertEquals(expected++, record.getOffset());
        }
      }
      paused.cancel();
      client.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertTrue(server.isAlive(), "the server kept within its heap:\n" + server.output());
    } finally {
      system.terminate();
    }
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(180, TimeUnit.SECONDS);
  }
}
