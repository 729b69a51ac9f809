package dev.runnel.api.consumer;

import static dev.runnel.api.TestNode.assertFails;
import static dev.runnel.api.TestNode.result;
import static dev.runnel.api.consumer.ConsumerGroupTest.awaitStable;
import static dev.runnel.api.consumer.ConsumerGroupTest.groupSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.Done;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.japi.Pair;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.group.CommitReply;
import dev.runnel.actors.group.GroupCommand.CommitOffsets;
import dev.runnel.actors.group.GroupDescription;
import dev.runnel.actors.group.GroupState;
import dev.runnel.actors.group.OffsetAndMetadata;
import dev.runnel.actors.partition.OffsetSpec;
import dev.runnel.api.Runnel;
import dev.runnel.api.TestNode;
import dev.runnel.api.admin.ConsumerGroupListing;
import dev.runnel.api.admin.ConsumerGroupOffset;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.producer.Producer;
import dev.runnel.api.producer.ProducerRecord;
import dev.runnel.api.producer.ProducerSettings;
import dev.runnel.api.serialization.Serdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group's committed offsets: they survive a restart of the node, a commit with a stale generation
 * is refused, and the admin lists, describes, resets and deletes groups.
 */
class ConsumerGroupOffsetsTest {

  private static final String TOPIC = "kept";
  private static final String GROUP = "durable";

  /** Recent, so that retention (7 days by default) keeps the records. */
  private static final long BASE_TIME = System.currentTimeMillis() - 60_000;

  private static final Map<String, Object> SHORT_SESSIONS =
      Map.of("runnel.group.min-session-timeout", "500ms");

  @TempDir Path dataDir;

  private static TopicPartition partition(int p) {
    return new TopicPartition(TOPIC, p);
  }

  /** Ten records per partition, record i with the timestamp BASE_TIME + i. */
  private static void produce(Runnel runnel) {
    result(runnel.admin().createTopic(new NewTopic(TOPIC, 3)));
    result(
        Source.range(0, 29)
            .map(
                i ->
                    new ProducerRecord<String, String>(
                        TOPIC, i % 3, BASE_TIME + i / 3, null, Integer.toString(i / 3), null))
            .runWith(
                Producer.plainSink(
                    ProducerSettings.create(
                        runnel, Serdes.String().serializer(), Serdes.String().serializer())),
                runnel.system()));
  }

  private static Map<TopicPartition, Long> committed(Runnel runnel) {
    Map<TopicPartition, Long> committed = new HashMap<>();
    result(runnel.admin().listConsumerGroupOffsets(GROUP))
        .forEach((tp, offset) -> committed.put(tp, offset.committedOffset()));
    return committed;
  }

  @Test
  void shouldKeepCommittedOffsetsOverARestartAndRefuseStaleCommits() {
    Map<TopicPartition, Long> sevens = Map.of(partition(0), 7L, partition(1), 7L, partition(2), 7L);
    try (Runnel runnel = TestNode.start(dataDir, SHORT_SESSIONS)) {
      produce(runnel);
      Pair<Consumer.Control, CompletionStage<Done>> consuming =
          Consumer.committableSource(groupSettings(runnel, GROUP), Subscriptions.topics(TOPIC))
              .filter(message -> message.record().offset() < 7)
              .take(21)
              .map(CommittableMessage::committableOffset)
              .toMat(Committer.sink(CommitterSettings.create(runnel)), Keep.both())
              .run(runnel.system());
      result(consuming.second());
      result(
          consuming
              .first()
              .drainAndShutdown(consuming.second(), runnel.system().executionContext()));
      assertEquals(
          Map.of(
              partition(0), new ConsumerGroupOffset(7, "", 10, 3),
              partition(1), new ConsumerGroupOffset(7, "", 10, 3),
              partition(2), new ConsumerGroupOffset(7, "", 10, 3)),
          result(runnel.admin().listConsumerGroupOffsets(GROUP)));

      Consumer.Control member =
          Consumer.committableSource(groupSettings(runnel, GROUP), Subscriptions.topics(TOPIC))
              .to(Sink.ignore())
              .run(runnel.system());
      GroupDescription joined = awaitStable(runnel, GROUP, 1, Duration.ofSeconds(10));
      String memberId = joined.members().get(0).memberId();
      CommitReply stale =
          result(
              runnel
                  .node()
                  .group(GROUP)
                  .<CommitReply>ask(
                      replyTo ->
                          new CommitOffsets(
                              memberId,
                              joined.generation() - 1,
                              Map.of(partition(0), OffsetAndMetadata.of(1)),
                              replyTo),
                      Duration.ofSeconds(10)));
      assertEquals(
          ErrorCode.ILLEGAL_GENERATION,
          assertInstanceOf(CommitReply.CommitFailed.class, stale).code());
      assertFails(
          ErrorCode.NON_EMPTY_GROUP,
          runnel.admin().alterConsumerGroupOffsets(GROUP, Map.of(partition(0), 1L)));
      assertEquals(sevens, committed(runnel), "nothing refused was written");
      result(member.shutdown());
    }

    try (Runnel runnel = TestNode.start(dataDir, SHORT_SESSIONS)) {
      assertEquals(sevens, committed(runnel), "committed offsets survive the restart");
      assertEquals(
          List.of(new ConsumerGroupListing(GROUP, GroupState.EMPTY)),
          result(runnel.admin().listConsumerGroups()));
      List<Long> resumed =
          result(
              Consumer.plainSource(
                      groupSettings(runnel, GROUP)
                          .withEnableAutoCommit(false)
                          .withStopTimeout(Duration.ZERO),
                      Subscriptions.topics(TOPIC))
                  .take(9)
                  .map(ConsumerRecord::offset)
                  .runWith(Sink.seq(), runnel.system()));
      assertEquals(List.of(7L, 8L, 9L), resumed.stream().distinct().sorted().toList());

      TestProbe.create(runnel.system())
          .awaitAssert(
              () -> {
                assertEquals(
                    GroupState.EMPTY, result(runnel.admin().describeConsumerGroup(GROUP)).state());
                return null;
              });
      assertEquals(
          Map.of(partition(0), 0L, partition(1), 10L, partition(2), 4L),
          result(
              runnel
                  .admin()
                  .resetConsumerGroupOffsets(
                      GROUP,
                      Map.of(
                          partition(0), OffsetSpec.earliest(),
                          partition(1), OffsetSpec.latest(),
                          partition(2), OffsetSpec.forTimestamp(BASE_TIME + 4)))));
      result(runnel.admin().alterConsumerGroupOffsets(GROUP, Map.of(partition(1), 5L)));
      assertEquals(Map.of(partition(0), 0L, partition(1), 5L, partition(2), 4L), committed(runnel));
      assertEquals(
          10, result(runnel.admin().listConsumerGroupOffsets(GROUP)).get(partition(0)).lag());

      result(runnel.admin().deleteConsumerGroup(GROUP));
      assertEquals(List.of(), result(runnel.admin().listConsumerGroups()));
      assertFails(ErrorCode.INVALID_GROUP_ID, runnel.admin().describeConsumerGroup("bad id"));
    }
  }
}
