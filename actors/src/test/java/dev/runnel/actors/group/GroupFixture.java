package dev.runnel.actors.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.group.GroupMemberMessage.Assignment;
import dev.runnel.actors.group.GroupMemberMessage.RevokePartitions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** A coordinator spawned in a test kit, with one method per command and member-side helpers. */
final class GroupFixture {

  static final Duration SESSION = Duration.ofSeconds(10);
  static final Duration REBALANCE = Duration.ofSeconds(10);

  private static final AtomicInteger GROUPS = new AtomicInteger();

  /** Numbers the members' client ids, so that member ids sort in the order members joined. */
  private final AtomicInteger clients = new AtomicInteger();

  final ActorTestKit kit;
  final String groupId;
  final GroupTestTopics topics;
  ActorRef<GroupCommand> coordinator;

  GroupFixture(ActorTestKit kit, String groupId, GroupTestTopics topics) {
    this.kit = kit;
    this.groupId = groupId;
    this.topics = topics;
    this.coordinator = spawn();
  }

  /** A coordinator of a new group id. */
  static GroupFixture newGroup(ActorTestKit kit, GroupTestTopics topics) {
    return new GroupFixture(kit, "group-" + GROUPS.incrementAndGet(), topics);
  }

  /**
   * Test configuration: the segment journal under {@code directory}, every message serialized,
   * short timeouts and check intervals, frequent snapshots.
   */
  static Config config(Path directory) {
    return ConfigFactory.parseString(
            String.join(
                "\n",
                "runnel.persistence.journal.dir = \"" + directory.resolve("journal") + "\"",
                "runnel.persistence.journal.fsync = never",
                "runnel.persistence.snapshot-store.dir = \""
                    + directory.resolve("snapshots")
                    + "\"",
                "akka.actor.serialize-messages = on",
                "runnel.group.snapshot-every-events = 3",
                "runnel.group.metadata-check-interval = 50ms",
                "runnel.group.min-session-timeout = 100ms",
                "runnel.group.initial-rebalance-delay = 50ms",
                "akka.actor.testkit.typed.single-expect-default = 5s"))
        .withFallback(ConfigFactory.load());
  }

  ActorRef<GroupCommand> spawn() {
    GroupSettings settings =
        GroupSettings.fromConfig(kit.system().settings().config().getConfig("runnel.group"));
    return kit.spawn(GroupCoordinator.create(groupId, settings, topics));
  }

  /** Stops the coordinator and starts it again (it recovers from its journal). */
  void restart() {
    kit.stop(coordinator);
    coordinator = spawn();
  }

  static TopicPartition tp(String topic, int partition) {
    return new TopicPartition(topic, partition);
  }

  static Set<TopicPartition> tps(TopicPartition... partitions) {
    return new HashSet<>(Arrays.asList(partitions));
  }

  JoinReply join(
      String memberId,
      TestProbe<GroupMemberMessage> member,
      GroupSubscription subscription,
      String assignor,
      Duration session,
      Duration rebalance) {
    return join(memberId, member.getRef(), subscription, assignor, session, rebalance);
  }

  JoinReply join(
      String memberId,
      ActorRef<GroupMemberMessage> member,
      GroupSubscription subscription,
      String assignor,
      Duration session,
      Duration rebalance) {
    TestProbe<JoinReply> reply = kit.createTestProbe();
    coordinator.tell(
        new GroupCommand.JoinGroup(
            memberId,
            String.format("client-%04d", clients.incrementAndGet()),
            subscription,
            assignor,
            session,
            rebalance,
            member,
            reply.getRef()));
    return reply.receiveMessage();
  }

  /** Joins as a new member with test timeouts; returns the member id. */
  String join(TestProbe<GroupMemberMessage> member, String assignor, String... topicNames) {
    JoinReply reply =
        join(
            "", member, GroupSubscription.topics(Set.of(topicNames)), assignor, SESSION, REBALANCE);
    return assertInstanceOf(JoinReply.Joined.class, reply).memberId();
  }

  static Assignment expectAssignment(
      TestProbe<GroupMemberMessage> member, int generation, Set<TopicPartition> partitions) {
    Assignment assignment = assertInstanceOf(Assignment.class, member.receiveMessage());
    assertEquals(generation, assignment.generation(), assignment.toString());
    assertEquals(partitions, assignment.partitions(), assignment.toString());
    return assignment;
  }

  static RevokePartitions expectRevoke(
      TestProbe<GroupMemberMessage> member, int generation, Set<TopicPartition> partitions) {
    RevokePartitions revoke = assertInstanceOf(RevokePartitions.class, member.receiveMessage());
    assertEquals(generation, revoke.generation(), revoke.toString());
    assertEquals(partitions, revoke.partitions(), revoke.toString());
    return revoke;
  }

  void revocationDone(RevokePartitions revoke) {
    coordinator.tell(
        new GroupCommand.RevocationDone(
            revoke.memberId(), revoke.generation(), revoke.partitions()));
  }

  CommitReply commit(String memberId, int generation, Map<TopicPartition, Long> offsets) {
    TestProbe<CommitReply> reply = kit.createTestProbe();
    Map<TopicPartition, OffsetAndMetadata> withMetadata = new java.util.HashMap<>();
    offsets.forEach(
        (tp, offset) -> withMetadata.put(tp, new OffsetAndMetadata(offset, "m" + offset)));
    coordinator.tell(
        new GroupCommand.CommitOffsets(memberId, generation, withMetadata, reply.getRef()));
    return reply.receiveMessage();
  }

  static void refused(CommitReply reply, ErrorCode code) {
    CommitReply.CommitFailed failed = assertInstanceOf(CommitReply.CommitFailed.class, reply);
    assertEquals(code, failed.code(), failed.message());
  }

  Map<TopicPartition, OffsetAndMetadata> fetch() {
    TestProbe<OffsetsFetched> reply = kit.createTestProbe();
    coordinator.tell(new GroupCommand.FetchOffsets(Optional.empty(), reply.getRef()));
    return reply.receiveMessage().offsets();
  }

  GroupDescription describe() {
    TestProbe<GroupDescription> reply = kit.createTestProbe();
    coordinator.tell(new GroupCommand.DescribeGroup(reply.getRef()));
    return reply.receiveMessage();
  }

  HeartbeatReply heartbeat(String memberId, int generation) {
    TestProbe<HeartbeatReply> reply = kit.createTestProbe();
    coordinator.tell(new GroupCommand.Heartbeat(memberId, generation, reply.getRef()));
    return reply.receiveMessage();
  }

  void leave(String memberId) {
    TestProbe<Done> reply = kit.createTestProbe();
    coordinator.tell(new GroupCommand.LeaveGroup(memberId, reply.getRef()));
    reply.expectMessage(Done.getInstance());
  }

  CommitReply reset(Map<TopicPartition, Long> offsets) {
    TestProbe<CommitReply> reply = kit.createTestProbe();
    coordinator.tell(new GroupCommand.ResetOffsets(offsets, reply.getRef()));
    return reply.receiveMessage();
  }

  DeleteGroupReply delete() {
    TestProbe<DeleteGroupReply> reply = kit.createTestProbe();
    coordinator.tell(new GroupCommand.DeleteGroup(reply.getRef()));
    return reply.receiveMessage();
  }
}
