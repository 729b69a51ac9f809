package dev.runnel.api.consumer;

import static dev.runnel.api.TestNode.assertFails;
import static dev.runnel.api.TestNode.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.NotUsed;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.japi.Pair;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.group.CommitReply;
import dev.runnel.actors.group.GroupCommand;
import dev.runnel.actors.group.GroupCommand.CommitOffsets;
import dev.runnel.actors.group.GroupCommand.FetchOffsets;
import dev.runnel.actors.group.GroupCommand.JoinGroup;
import dev.runnel.actors.group.GroupCommand.LeaveGroup;
import dev.runnel.actors.group.GroupCommand.RevocationDone;
import dev.runnel.actors.group.GroupMemberMessage;
import dev.runnel.actors.group.GroupMemberMessage.Assignment;
import dev.runnel.actors.group.GroupMemberMessage.RevokePartitions;
import dev.runnel.actors.group.HeartbeatReply;
import dev.runnel.actors.group.JoinReply;
import dev.runnel.actors.group.OffsetAndMetadata;
import dev.runnel.actors.group.OffsetsFetched;
import dev.runnel.api.Runnel;
import dev.runnel.api.TestNode;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.producer.Producer;
import dev.runnel.api.producer.ProducerRecord;
import dev.runnel.api.producer.ProducerSettings;
import dev.runnel.api.serialization.Serdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group member against a coordinator played by a test probe, on a real node's partitions: what
 * it asks the coordinator, and what its streams do on assignments, revocations, commits and the end
 * of the stream.
 */
class GroupMemberTest {

  @TempDir static Path dataDir;
  private static Runnel runnel;

  @BeforeAll
  static void startNode() {
    runnel = TestNode.start(dataDir);
  }

  @AfterAll
  static void stopNode() {
    runnel.close();
  }

  private static ConsumerSettings<String, String> settings(String group) {
    // Heartbeats far apart, so that the probe sees only what a test is about.
    return ConsumerSettings.create(
            runnel, Serdes.String().deserializer(), Serdes.String().deserializer())
        .withGroupId(group)
        .withAutoOffsetReset(AutoOffsetReset.EARLIEST)
        .withSessionTimeout(Duration.ofMinutes(20))
        .withHeartbeatInterval(Duration.ofMinutes(10));
  }

  /** A topic of {@code partitions} partitions with {@code perPartition} records "0".. in each. */
  private static void topic(String name, int partitions, int perPartition) {
    result(runnel.admin().createTopic(new NewTopic(name, partitions)));
    for (int p = 0; p < partitions; p++) {
      produce(name, p, 0, perPartition);
    }
  }

  private static void produce(String topic, int partition, int from, int count) {
    result(
        Source.range(from, from + count - 1)
            .map(
                i ->
                    new ProducerRecord<String, String>(topic, partition, null, Integer.toString(i)))
            .runWith(
                Producer.plainSink(
                    ProducerSettings.create(
                        runnel, Serdes.String().serializer(), Serdes.String().serializer())),
                runnel.system()));
  }

  /** What the test saw of each partition's source: its records and whether it ended. */
  private static final class Partitions {
    final Map<TopicPartition, List<CommittableMessage<String, String>>> records =
        new ConcurrentHashMap<>();
    final Map<TopicPartition, CompletionStage<Done>> ended = new ConcurrentHashMap<>();

    Done run(Pair<TopicPartition, Source<CommittableMessage<String, String>, NotUsed>> partition) {
      List<CommittableMessage<String, String>> seen = new CopyOnWriteArrayList<>();
      records.put(partition.first(), seen);
      ended.put(
          partition.first(), partition.second().runWith(Sink.foreach(seen::add), runnel.system()));
      return Done.getInstance();
    }

    /**
     * Runs a partitioned source of the topic whose member talks to {@code coordinator}, each
     * partition's source into this.
     */
    Consumer.Control start(
        ConsumerSettings<String, String> settings,
        String topic,
        RebalanceListener listener,
        TestProbe<GroupCommand> coordinator) {
      return GroupSources.partitioned(
              settings, Subscriptions.topics(topic), listener, id -> coordinator.ref())
          .map(this::run)
          .to(Sink.ignore())
          .run(runnel.system());
    }

    List<Long> offsets(TopicPartition tp) {
      return records.getOrDefault(tp, List.of()).stream().map(m -> m.record().offset()).toList();
    }

    CommittableMessage<String, String> last(TopicPartition tp) {
      List<CommittableMessage<String, String>> seen = records.get(tp);
      return seen.get(seen.size() - 1);
    }
  }

  private static List<Long> range(long from, long to) {
    return java.util.stream.LongStream.range(from, to).boxed().toList();
  }

  @Test
  void shouldHaveKafkasGroupDefaultsAndRefuseBadGroupSettingsByName() {
    ConsumerSettings<String, String> defaults =
        ConsumerSettings.create(
            runnel, Serdes.String().deserializer(), Serdes.String().deserializer());
    assertEquals("cooperative-sticky", defaults.partitionAssignmentStrategy());
    assertEquals(Duration.ofSeconds(45), defaults.sessionTimeout());
    assertEquals(Duration.ofSeconds(3), defaults.heartbeatInterval());
    assertEquals(Duration.ofMinutes(5), defaults.maxPollInterval());
    assertTrue(defaults.enableAutoCommit());
    assertEquals(Duration.ofSeconds(5), defaults.autoCommitInterval());
    assertEquals(
        "range",
        defaults
            .withProperty("partition.assignment.strategy", "Range")
            .partitionAssignmentStrategy());

    RunnelException assignor =
        assertThrows(
            RunnelException.class, () -> defaults.withPartitionAssignmentStrategy("sticky"));
    assertEquals(ErrorCode.INVALID_CONFIG, assignor.code());
    assertTrue(assignor.getMessage().contains("name=partition.assignment.strategy, value=sticky"));
    RunnelException heartbeat =
        assertThrows(
            RunnelException.class,
            () ->
                Consumer.plainSource(
                    defaults.withGroupId("g").withHeartbeatInterval(Duration.ofSeconds(45)),
                    Subscriptions.topics("t")));
    assertTrue(
        heartbeat.getMessage().contains("name=heartbeat.interval.ms"), heartbeat.getMessage());
    RunnelException group =
        assertThrows(
            RunnelException.class,
            () -> Consumer.committableSource(defaults, Subscriptions.topics("t")));
    assertEquals(ErrorCode.INVALID_GROUP_ID, group.code());
  }

  @Test
  void shouldStartAssignedPartitionsAtTheirCommittedOffsetsAndStopOnlyTheRevokedOnes() {
    topic("members", 3, 10);
    TopicPartition p0 = new TopicPartition("members", 0);
    TopicPartition p1 = new TopicPartition("members", 1);
    TopicPartition p2 = new TopicPartition("members", 2);
    TestProbe<GroupCommand> coordinator = TestProbe.create(runnel.system());
    Partitions seen = new Partitions();
    Consumer.Control control =
        seen.start(
            settings("g1").withPartitionAssignmentStrategy("roundrobin"),
            "members",
            RebalanceListener.NONE,
            coordinator);

    JoinGroup join = coordinator.expectMessageClass(JoinGroup.class);
    assertEquals("", join.memberId());
    assertEquals("roundrobin", join.assignor());
    assertEquals(Set.of("members"), join.subscription().topics());
    assertEquals(Duration.ofMinutes(20), join.sessionTimeout());
    join.replyTo().tell(new JoinReply.Joined("m1", 1));
    ActorRef<GroupMemberMessage> member = join.member();

    member.tell(new Assignment("m1", 1, Set.of(p0, p1, p2)));
    FetchOffsets fetch = coordinator.expectMessageClass(FetchOffsets.class);
    assertEquals(Optional.of(Set.of(p0, p1, p2)), fetch.partitions());
    fetch.replyTo().tell(new OffsetsFetched(Map.of(p0, OffsetAndMetadata.of(6))));
    coordinator.awaitAssert(
        () -> {
          assertEquals(range(6, 10), seen.offsets(p0), "from the committed offset");
          assertEquals(range(0, 10), seen.offsets(p1), "no commit: auto.offset.reset=earliest");
          assertEquals(range(0, 10), seen.offsets(p2));
          return null;
        });

    CompletionStage<Done> committed = seen.last(p1).committableOffset().commit();
    CommitOffsets commit = coordinator.expectMessageClass(CommitOffsets.class);
    assertEquals(
        new CommitOffsets("m1", 1, Map.of(p1, OffsetAndMetadata.of(10)), commit.replyTo()), commit);
    commit.replyTo().tell(CommitReply.Committed.INSTANCE);
    result(committed);

    member.tell(new RevokePartitions("m1", 2, Set.of(p2)));
    assertEquals(
        new RevocationDone("m1", 2, Set.of(p2)),
        coordinator.expectMessageClass(RevocationDone.class));
    result(seen.ended.get(p2));
    member.tell(new Assignment("m1", 2, Set.of(p0, p1)));
    produce("members", 0, 10, 5);
    coordinator.awaitAssert(
        () -> {
          assertEquals(range(6, 15), seen.offsets(p0), "a kept partition reads on");
          return null;
        });
    assertFalse(seen.ended.get(p0).toCompletableFuture().isDone());
    assertFalse(seen.ended.get(p1).toCompletableFuture().isDone());

    CompletionStage<Done> batch =
        CommittableOffsetBatch.empty()
            .updated(seen.last(p0).committableOffset())
            .updated(seen.last(p2).committableOffset())
            .commit();
    commit = coordinator.expectMessageClass(CommitOffsets.class);
    assertEquals(
        new CommitOffsets("m1", 2, Map.of(p0, OffsetAndMetadata.of(15)), commit.replyTo()),
        commit,
        "the new generation, and not the revoked partition");
    commit.replyTo().tell(CommitReply.Committed.INSTANCE);
    result(batch);

    CompletionStage<Done> shutdown = control.shutdown();
    LeaveGroup leave = coordinator.expectMessageClass(LeaveGroup.class);
    assertEquals("m1", leave.memberId());
    leave.replyTo().tell(Done.getInstance());
    result(shutdown);
    result(seen.ended.get(p0));
    assertFails(ErrorCode.NOT_AVAILABLE, seen.last(p0).committableOffset().commit());
  }

  @Test
  void shouldCommitWhatWasTakenBeforeGivingUpAPartitionAndWhenShuttingDown() {
    topic("auto", 2, 5);
    TopicPartition p0 = new TopicPartition("auto", 0);
    TopicPartition p1 = new TopicPartition("auto", 1);
    TestProbe<GroupCommand> coordinator = TestProbe.create(runnel.system());
    List<ConsumerRecord<String, String>> taken = new CopyOnWriteArrayList<>();
    Consumer.Control control =
        GroupSources.plain(
                settings("g2").withAutoCommitInterval(Duration.ofMinutes(10)),
                Subscriptions.topicPattern("au.o"),
                id -> coordinator.ref())
            .to(Sink.foreach(taken::add))
            .run(runnel.system());
    JoinGroup join = coordinator.expectMessageClass(JoinGroup.class);
    assertEquals("au.o", join.subscription().pattern());
    join.replyTo().tell(new JoinReply.Joined("m2", 3));
    join.member().tell(new Assignment("m2", 3, Set.of(p0, p1)));
    coordinator.expectMessageClass(FetchOffsets.class).replyTo().tell(new OffsetsFetched(Map.of()));
    coordinator.awaitAssert(
        () -> {
          assertEquals(10, taken.size());
          return null;
        });

    join.member().tell(new RevokePartitions("m2", 4, Set.of(p1)));
    CommitOffsets commit = coordinator.expectMessageClass(CommitOffsets.class);
    assertEquals(
        new CommitOffsets("m2", 3, Map.of(p1, OffsetAndMetadata.of(5)), commit.replyTo()),
        commit,
        "the revoked partition's position, with the generation it still owns it in");
    commit.replyTo().tell(CommitReply.Committed.INSTANCE);
    coordinator.expectMessageClass(RevocationDone.class);
    join.member().tell(new Assignment("m2", 4, Set.of(p0)));

    CompletionStage<Done> shutdown = control.shutdown();
    commit = coordinator.expectMessageClass(CommitOffsets.class);
    assertEquals(Map.of(p0, OffsetAndMetadata.of(5)), commit.offsets());
    assertEquals(4, commit.generation());
    coordinator.expectMessageClass(LeaveGroup.class).replyTo().tell(Done.getInstance());
    result(shutdown);
  }

  @Test
  void shouldCommitAutomaticallyOnItsIntervalAndRejoinWhenItsMembershipIsUnknown() {
    topic("interval", 1, 4);
    TopicPartition p0 = new TopicPartition("interval", 0);
    TestProbe<GroupCommand> coordinator = TestProbe.create(runnel.system());
    Consumer.Control plain =
        GroupSources.plain(
                settings("g4")
                    .withAutoCommitInterval(Duration.ofMillis(100))
                    .withHeartbeatInterval(Duration.ofMillis(100)),
                Subscriptions.topics("interval"),
                id -> coordinator.ref())
            .to(Sink.ignore())
            .run(runnel.system());
    JoinGroup join = coordinator.expectMessageClass(JoinGroup.class);
    join.replyTo().tell(new JoinReply.Joined("m4", 1));
    join.member().tell(new Assignment("m4", 1, Set.of(p0)));
    CommitOffsets commit = null;
    while (commit == null) {
      GroupCommand command = coordinator.receiveMessage();
      if (command instanceof FetchOffsets fetch) {
        fetch.replyTo().tell(new OffsetsFetched(Map.of()));
      } else if (command instanceof CommitOffsets offsets) {
        commit = offsets;
      }
    }
    assertEquals(
        new CommitOffsets("m4", 1, Map.of(p0, OffsetAndMetadata.of(4)), commit.replyTo()),
        commit,
        "the position of the records taken, on the interval");
    commit.replyTo().tell(CommitReply.Committed.INSTANCE);

    assertEquals(1, next(coordinator, GroupCommand.Heartbeat.class).generation());
    // Every heartbeat is answered so, since one waiting in the probe's queue may have timed out.
    JoinGroup rejoin =
        next(
            coordinator,
            JoinGroup.class,
            new HeartbeatReply.HeartbeatFailed(ErrorCode.UNKNOWN_MEMBER_ID, "coordinator moved"));
    assertEquals("", rejoin.memberId(), "a member the group does not know joins as a new one");
    assertEquals(join.member(), rejoin.member());
    result(plain.stop());
  }

  /**
   * The next message of {@code type} the coordinator gets, answering offset fetches with none and
   * heartbeats with {@code heartbeatAnswer} (if any) on the way; fails after 10 seconds.
   */
  private static <T extends GroupCommand> T next(
      TestProbe<GroupCommand> coordinator, Class<T> type, HeartbeatReply heartbeatAnswer) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      GroupCommand command = coordinator.receiveMessage();
      if (type.isInstance(command)) {
        return type.cast(command);
      }
      if (command instanceof FetchOffsets fetch) {
        fetch.replyTo().tell(new OffsetsFetched(Map.of()));
      } else if (command instanceof GroupCommand.Heartbeat beat && heartbeatAnswer != null) {
        beat.replyTo().tell(heartbeatAnswer);
      }
    }
    throw new AssertionError("No " + type.getSimpleName() + " within 10 s");
  }

  private static <T extends GroupCommand> T next(
      TestProbe<GroupCommand> coordinator, Class<T> type) {
    return next(coordinator, type, null);
  }

  @Test
  void shouldGiveUpItsPartitionsWhenARejoinFindsItsMembershipGone() {
    topic("dropped", 1, 3);
    TopicPartition p0 = new TopicPartition("dropped", 0);
    TestProbe<GroupCommand> coordinator = TestProbe.create(runnel.system());
    List<Set<TopicPartition>> revoked = new CopyOnWriteArrayList<>();
    RebalanceListener listener =
        new RebalanceListener() {
          @Override
          public void assigned(String memberId, int generation, Set<TopicPartition> partitions) {}

          @Override
          public void revoked(int generation, Set<TopicPartition> partitions) {
            revoked.add(partitions);
          }
        };
    Partitions seen = new Partitions();
    Consumer.Control control =
        seen.start(
            settings("g6").withHeartbeatInterval(Duration.ofMillis(100)),
            "dropped",
            listener,
            coordinator);
    JoinGroup join = next(coordinator, JoinGroup.class);
    join.replyTo().tell(new JoinReply.Joined("m6", 1));
    join.member().tell(new Assignment("m6", 1, Set.of(p0)));
    next(coordinator, FetchOffsets.class).replyTo().tell(new OffsetsFetched(Map.of()));
    coordinator.awaitAssert(
        () -> {
          assertEquals(range(0, 3), seen.offsets(p0));
          return null;
        });

    // A rebalance: the member rejoins under its id, which the group dropped meanwhile. Every
    // heartbeat is answered so, since one waiting in the probe's queue may have timed out already.
    JoinGroup rejoin =
        next(
            coordinator,
            JoinGroup.class,
            new HeartbeatReply.HeartbeatFailed(ErrorCode.ILLEGAL_GENERATION, "rebalancing"));
    assertEquals("m6", rejoin.memberId());
    rejoin.replyTo().tell(new JoinReply.JoinFailed(ErrorCode.UNKNOWN_MEMBER_ID, "member dropped"));

    result(seen.ended.get(p0));
    assertEquals(List.of(Set.of(p0)), revoked, "the listener heard the partition went");
    JoinGroup fresh = next(coordinator, JoinGroup.class);
    assertEquals("", fresh.memberId(), "joins again as a new member");
    result(control.stop());
  }

  @Test
  void shouldStartAPartitionAssignedAgainAtTheOffsetOfTheLatestFetch() {
    topic("refetched", 1, 8);
    TopicPartition p0 = new TopicPartition("refetched", 0);
    TestProbe<GroupCommand> coordinator = TestProbe.create(runnel.system());
    Partitions seen = new Partitions();
    Consumer.Control control =
        seen.start(settings("g7"), "refetched", RebalanceListener.NONE, coordinator);
    JoinGroup join = coordinator.expectMessageClass(JoinGroup.class);
    join.replyTo().tell(new JoinReply.Joined("m7", 1));
    join.member().tell(new Assignment("m7", 1, Set.of(p0)));
    FetchOffsets first = coordinator.expectMessageClass(FetchOffsets.class);

    // Revoked and assigned again while the first fetch is unanswered; meanwhile another member
    // committed 5.
    join.member().tell(new RevokePartitions("m7", 2, Set.of(p0)));
    coordinator.expectMessageClass(RevocationDone.class);
    join.member().tell(new Assignment("m7", 2, Set.of()));
    join.member().tell(new Assignment("m7", 3, Set.of(p0)));
    FetchOffsets second = coordinator.expectMessageClass(FetchOffsets.class);
    first.replyTo().tell(new OffsetsFetched(Map.of(p0, OffsetAndMetadata.of(1))));
    second.replyTo().tell(new OffsetsFetched(Map.of(p0, OffsetAndMetadata.of(5))));

    coordinator.awaitAssert(
        () -> {
          assertEquals(range(5, 8), seen.offsets(p0), "from the latest fetch's offset");
          return null;
        });
    result(control.stop());
  }

  @Test
  void shouldLeaveWhenTheStreamFailsAndFailTheStreamWhenTheMemberStops() {
    topic("ends", 1, 3);
    TestProbe<GroupCommand> coordinator = TestProbe.create(runnel.system());
    Pair<Consumer.Control, CompletionStage<Done>> failing =
        GroupSources.committable(
                settings("g3"), Subscriptions.topics("ends"), id -> coordinator.ref())
            .map(
                message -> {
                  throw new IllegalStateException("processing failed");
                })
            .toMat(Sink.ignore(), Keep.both())
            .run(runnel.system());
    JoinGroup join = coordinator.expectMessageClass(JoinGroup.class);
    join.replyTo().tell(new JoinReply.Joined("m3", 1));
    join.member().tell(new Assignment("m3", 1, Set.of(new TopicPartition("ends", 0))));
    coordinator.expectMessageClass(FetchOffsets.class).replyTo().tell(new OffsetsFetched(Map.of()));
    LeaveGroup leave = coordinator.expectMessageClass(LeaveGroup.class);
    assertEquals("m3", leave.memberId());
    leave.replyTo().tell(Done.getInstance());
    ExecutionException failure =
        assertThrows(
            ExecutionException.class,
            () -> failing.second().toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertEquals("processing failed", failure.getCause().getMessage());
    result(failing.first().isShutdown());

    Pair<Consumer.Control, CompletionStage<Done>> orphaned =
        GroupSources.committable(
                settings("g3"), Subscriptions.topics("ends"), id -> coordinator.ref())
            .toMat(Sink.ignore(), Keep.both())
            .run(runnel.system());
    coordinator.expectMessageClass(JoinGroup.class);
    Adapter.toClassic(runnel.system())
        .stop(Adapter.toClassic(((GroupControl) orphaned.first()).member()));
    assertFails(ErrorCode.NOT_AVAILABLE, orphaned.second());
    result(orphaned.first().isShutdown());
  }
}
