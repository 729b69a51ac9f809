package dev.runnel.api.consumer;

import static dev.runnel.api.TestNode.awaitCondition;
import static dev.runnel.api.TestNode.result;
import static dev.runnel.api.consumer.ConsumerGroupTest.awaitStable;
import static dev.runnel.api.consumer.ConsumerGroupTest.everyPartitionAt;
import static dev.runnel.api.consumer.ConsumerGroupTest.produce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.japi.Pair;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.SinkQueueWithCancel;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.group.GroupState;
import dev.runnel.api.Runnel;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.consumer.ConsumerGroupTest.Member;
import dev.runnel.api.grpc.v1.CommitOffsetsRequest;
import dev.runnel.api.grpc.v1.OffsetAndMetadata;
import dev.runnel.api.remote.RemoteErrors;
import dev.runnel.api.remote.RemoteTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumer groups of a remote {@link Runnel} (runnel.client.mode = remote) against a real server in
 * this JVM: the consumer code of {@link ConsumerGroupTest} unchanged, the member run by the server
 * for the client's group stream. Members share the partitions and take over a lost member's from
 * its last commit; a member rides through a server restart; commits carry the latest generation.
 */
class RemoteConsumerGroupTest {

  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(2);

  @TempDir Path dataDir;
  private RemoteTestServer server;
  private Runnel client;

  @BeforeEach
  void start() {
    server = RemoteTestServer.start(dataDir, Map.of("runnel.group.min-session-timeout", "500ms"));
    client = server.client();
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** The server's own node: topics, records and group descriptions are set up and read there. */
  private Runnel node() {
    return server.node();
  }

  private Map<TopicPartition, Long> committed(String group) {
    return ConsumerGroupTest.committed(node(), group);
  }

  @Test
  void shouldShareDisjointPartitionsAndMoveALostMembersPartitionsWithNoRecordLost() {
    ConsumerGroupTest.assertSharedAndTakenOverFromTheLastCommit(
        node(), client, "shared", "sharing");
  }

  @Test
  void shouldReadKeptPartitionsOnWhenACooperativeRebalanceAddsAMember() {
    ConsumerGroupTest.assertKeptPartitionsReadOnWhenACooperativeRebalanceAddsAMember(
        node(), client, "sticky", "sticky-group");
  }

  /** A plain source of the group committing automatically every {@code interval}, noting reads. */
  private static Consumer.Control plainConsumer(
      Runnel runnel,
      String group,
      String topic,
      Duration interval,
      Set<Pair<TopicPartition, Long>> read) {
    return Consumer.plainSource(
            ConsumerGroupTest.groupSettings(runnel, group).withAutoCommitInterval(interval),
            Subscriptions.topics(topic))
        .to(Sink.foreach(r -> read.add(Pair.create(r.topicPartition(), r.offset()))))
        .run(runnel.system());
  }

  @Test
  void shouldCommitAPlainSourcesRecordsAutomaticallyAndLeaveAtOnceOnShutdown() {
    String topic = "plain";
    result(node().admin().createTopic(new NewTopic(topic, 3)));
    produce(node(), topic, 3, 0, 20);
    for (Runnel runnel : List.of(node(), client)) {
      String mode = runnel.isRemote() ? "remote" : "embedded";
      // Every 100 ms: the interval's commits reach the end of what was read.
      Set<Pair<TopicPartition, Long>> read = ConcurrentHashMap.newKeySet();
      Consumer.Control ticking =
          plainConsumer(runnel, "ticking-" + mode, topic, Duration.ofMillis(100), read);
      awaitCondition(
          () -> committed("ticking-" + mode).equals(everyPartitionAt(topic, 3, 20)),
          Duration.ofSeconds(15));
      assertEquals(60, read.size(), mode);
      result(ticking.shutdown());

      // Never by time: only the shutdown commits, and the member has left when it completes.
      read.clear();
      Consumer.Control closing =
          plainConsumer(runnel, "closing-" + mode, topic, Duration.ofMinutes(5), read);
      awaitCondition(() -> read.size() == 60, Duration.ofSeconds(15));
      assertEquals(Map.of(), committed("closing-" + mode), mode);
      result(closing.shutdown());
      assertEquals(everyPartitionAt(topic, 3, 20), committed("closing-" + mode), mode);
      assertEquals(
          GroupState.EMPTY,
          result(node().admin().describeConsumerGroup("closing-" + mode)).state(),
          mode);
    }
  }

  @Test
  void shouldReadEveryTopicAPatternMatchesAlsoOneCreatedLater() {
    result(node().admin().createTopic(new NewTopic("metrics-cpu", 2)));
    result(node().admin().createTopic(new NewTopic("logs-app", 1)));
    produce(node(), "metrics-cpu", 2, 0, 5);
    produce(node(), "logs-app", 1, 0, 5);
    Set<Pair<TopicPartition, Long>> read = ConcurrentHashMap.newKeySet();
    Consumer.Control control =
        Consumer.plainSource(
                ConsumerGroupTest.groupSettings(client, "patterned"),
                Subscriptions.topicPattern("metrics-.*"))
            .to(Sink.foreach(r -> read.add(Pair.create(r.topicPartition(), r.offset()))))
            .run(client.system());
    awaitCondition(() -> read.size() == 10, Duration.ofSeconds(15));

    result(node().admin().createTopic(new NewTopic("metrics-disk", 1)));
    produce(node(), "metrics-disk", 1, 0, 5);
    awaitCondition(() -> read.size() == 15, Duration.ofSeconds(15));
    result(control.shutdown());
    assertTrue(
        read.stream().noneMatch(r -> r.first().topic().startsWith("logs-")),
        "only matching topics: " + read);
  }

  @Test
  void shouldHoldTheServerBackWhileTheDownstreamDoesNotPull() {
    String topic = "slow";
    int partitions = 2;
    result(node().admin().createTopic(new NewTopic(topic, partitions)));
    produce(node(), topic, partitions, 0, 10_000);
    Pair<Consumer.Control, SinkQueueWithCancel<CommittableMessage<String, String>>> running =
        Consumer.committableSource(
                ConsumerGroupTest.groupSettings(client, "slow"), Subscriptions.topics(topic))
            .toMat(Sink.queue(), Keep.both())
            .run(client.system());
    Consumer.Control control = running.first();
    awaitCondition(() -> control.metrics().recordsReceived() > 0, Duration.ofSeconds(15));
    for (int i = 0; i < 100; i++) {
      assertTrue(result(running.second().pull()).isPresent());
    }
    // Per partition: its source's queue of buffer-batches record events of up to 500 records, one
    // event being decoded, and one waiting to be taken; far below the 10 000 written.
    long bound = partitions * (4 + 2) * 500L;
    ConsumerMetrics metrics = control.metrics();
    assertTrue(
        metrics.recordsReceived() - metrics.recordsEmitted() <= bound,
        "held within " + bound + ": " + metrics);
    running.second().cancel();
    result(control.shutdown());
  }

  @Test
  void shouldRideThroughAServerRestartAndResumeFromTheCommittedOffsets() {
    String topic = "restarted";
    int partitions = 4;
    result(node().admin().createTopic(new NewTopic(topic, partitions)));
    produce(node(), topic, partitions, 0, 50);
    CommitterSettings committer =
        CommitterSettings.create(client).withMaxBatch(10).withMaxInterval(Duration.ofMillis(50));
    Member member = new Member(client, "restart", topic, committer);
    awaitCondition(
        () -> committed("restart").equals(everyPartitionAt(topic, partitions, 50)),
        Duration.ofSeconds(15));
    awaitCondition(
        () -> member.acknowledged.equals(everyPartitionAt(topic, partitions, 50)),
        Duration.ofSeconds(5));
    assertEquals(200, member.delivered.size());

    server.restart();
    produce(node(), topic, partitions, 50, 50);
    awaitCondition(
        () -> committed("restart").equals(everyPartitionAt(topic, partitions, 100)),
        Duration.ofSeconds(20));
    assertFalse(member.done.toCompletableFuture().isDone(), "the stream went on");
    Set<Pair<TopicPartition, Long>> seen = new HashSet<>(member.delivered);
    assertEquals(400, seen.size(), "every record was delivered");
    assertEquals(400, member.delivered.size(), "each once: everything was committed before");
    result(member.control.drainAndShutdown(member.done, client.system().executionContext()));
  }

  @Test
  void shouldCommitWithTheLatestGenerationAndRefuseAStaleOne() throws Exception {
    String topic = "generations";
    int partitions = 6;
    result(node().admin().createTopic(new NewTopic(topic, partitions)));
    List<Pair<String, Integer>> assignments = new CopyOnWriteArrayList<>();
    RebalanceListener listener =
        new RebalanceListener() {
          @Override
          public void assigned(String memberId, int generation, Set<TopicPartition> held) {
            assignments.add(Pair.create(memberId, generation));
          }

          @Override
          public void revoked(int generation, Set<TopicPartition> revoked) {}
        };
    Map<TopicPartition, Long> read = new ConcurrentHashMap<>();
    ConsumerSettings<String, String> settings = ConsumerGroupTest.groupSettings(client, "gens");
    Consumer.Control first =
        Consumer.committablePartitionedSource(settings, Subscriptions.topics(topic), listener)
            .map(
                partition ->
                    partition
                        .second()
                        .mapAsync(
                            1,
                            message -> {
                              read.merge(
                                  message.record().topicPartition(),
                                  message.record().offset() + 1,
                                  Math::max);
                              return message.committableOffset().commit();
                            })
                        .run(client.system()))
            .to(Sink.ignore())
            .run(client.system());
    awaitStable(node(), "gens", 1, Duration.ofSeconds(20));
    awaitCondition(() -> !assignments.isEmpty(), Duration.ofSeconds(5));
    Pair<String, Integer> stale = assignments.get(assignments.size() - 1);

    Member second =
        new Member(
            client,
            "gens",
            topic,
            CommitterSettings.create(client)
                .withMaxBatch(1)
                .withMaxInterval(Duration.ofMillis(50)));
    awaitStable(node(), "gens", 2, Duration.ofSeconds(20));
    awaitCondition(
        () -> assignments.get(assignments.size() - 1).second() > stale.second(),
        Duration.ofSeconds(5));
    produce(node(), topic, partitions, 0, 10);
    // Both members commit every record with their current generation: nothing is refused.
    awaitCondition(
        () -> committed("gens").equals(everyPartitionAt(topic, partitions, 10)),
        Duration.ofSeconds(15));
    TopicPartition held = read.keySet().iterator().next();
    CommitOffsetsRequest staleCommit =
        CommitOffsetsRequest.newBuilder()
            .setGroupId("gens")
            .setMemberId(stale.first())
            .setGenerationId(stale.second())
            .addOffsets(
                OffsetAndMetadata.newBuilder()
                    .setPartition(
                        dev.runnel.api.grpc.v1.TopicPartition.newBuilder()
                            .setTopic(held.topic())
                            .setPartition(held.partition()))
                    .setOffset(1))
            .build();
    try {
      client
          .remote()
          .client()
          .commitOffsets(staleCommit)
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      throw new AssertionError("a stale generation's commit was accepted");
    } catch (ExecutionException e) {
      RunnelException error = RemoteErrors.toRunnelException(e.getCause(), "request=commit");
      assertEquals(ErrorCode.ILLEGAL_GENERATION, error.code(), error.toString());
    }
    result(first.shutdown());
    result(second.control.drainAndShutdown(second.done, client.system().executionContext()));
  }
}
