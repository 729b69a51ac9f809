package dev.runnel.actors.group;

import static dev.runnel.actors.group.GroupFixture.expectAssignment;
import static dev.runnel.actors.group.GroupFixture.expectRevoke;
import static dev.runnel.actors.group.GroupFixture.refused;
import static dev.runnel.actors.group.GroupFixture.tp;
import static dev.runnel.actors.group.GroupFixture.tps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.group.GroupMemberMessage.Assignment;
import dev.runnel.actors.group.GroupMemberMessage.RemovedFromGroup;
import dev.runnel.actors.group.GroupMemberMessage.RevokePartitions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCoordinatorTest {

  @TempDir static Path directory;

  private static ActorTestKit kit;
  private static GroupTestTopics topics;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create(GroupFixture.config(directory));
    topics = new GroupTestTopics().create("four", 4).create("one", 1);
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static GroupFixture group() {
    return GroupFixture.newGroup(kit, topics);
  }

  private static final Set<TopicPartition> FOUR =
      tps(tp("four", 0), tp("four", 1), tp("four", 2), tp("four", 3));

  @Test
  void shouldGiveTheFirstMembersOneGenerationAfterTheInitialDelay() {
    GroupFixture group = group();
    TestProbe<GroupMemberMessage> a = kit.createTestProbe();
    TestProbe<GroupMemberMessage> b = kit.createTestProbe();

    String first = group.join(a, "range", "four");
    String second = group.join(b, "range", "four");

    Assignment toFirst = expectAssignment(a, 1, tps(tp("four", 0), tp("four", 1)));
    expectAssignment(b, 1, tps(tp("four", 2), tp("four", 3)));
    assertEquals(first, toFirst.memberId());
    GroupDescription description = group.describe();
    assertEquals(GroupState.STABLE, description.state());
    assertEquals(1, description.generation());
    assertEquals("range", description.assignor());
    assertEquals(2, description.members().size());
    assertEquals(
        Set.of(first, second),
        Set.of(description.members().get(0).memberId(), description.members().get(1).memberId()));
  }

  @Test
  void shouldAnswerARepeatedJoinWithTheSameMemberAndNoRebalance() {
    GroupFixture group = group();
    TestProbe<GroupMemberMessage> a = kit.createTestProbe();
    String id = group.join(a, "range", "one");
    expectAssignment(a, 1, tps(tp("one", 0)));

    assertEquals(id, group.join(a, "range", "one"));
    assertEquals(
        new JoinReply.Joined(id, 1),
        group.join(
            id,
            a,
            GroupSubscription.topics(Set.of("one")),
            "range",
            GroupFixture.SESSION,
            GroupFixture.REBALANCE));
    a.expectNoMessage(Duration.ofMillis(200));
    assertEquals(1, group.describe().generation());
  }

  @Test
  void shouldRevokeEverythingFirstUnderAnEagerAssignor() {
    GroupFixture group = group();
    TestProbe<GroupMemberMessage> a = kit.createTestProbe();
    TestProbe<GroupMemberMessage> b = kit.createTestProbe();
    group.join(a, "range", "four");
    expectAssignment(a, 1, FOUR);

    group.join(b, "range", "four");

    RevokePartitions revoke = expectRevoke(a, 2, FOUR);
    b.expectNoMessage(Duration.ofMillis(200));
    assertEquals(GroupState.PREPARING_REBALANCE, group.describe().state());
    group.revocationDone(revoke);
    expectAssignment(a, 2, tps(tp("four", 0), tp("four", 1)));
    expectAssignment(b, 2, tps(tp("four", 2), tp("four", 3)));
    assertEquals(GroupState.STABLE, group.describe().state());
  }

  @Test
  void shouldRevokeOnlyMovingPartitionsUnderTheCooperativeAssignor() {
    GroupFixture group = group();
    TestProbe<GroupMemberMessage> a = kit.createTestProbe();
    TestProbe<GroupMemberMessage> b = kit.createTestProbe();
    group.join(a, "cooperative-sticky", "four");
    expectAssignment(a, 1, FOUR);

    group.join(b, "cooperative-sticky", "four");

    RevokePartitions revoke = assertInstanceOf(RevokePartitions.class, a.receiveMessage());
    assertEquals(2, revoke.generation());
    assertEquals(2, revoke.partitions().size());
    Set<TopicPartition> kept = new HashSet<>(FOUR);
    kept.removeAll(revoke.partitions());
    expectAssignment(a, 2, kept);
    expectAssignment(b, 2, Set.of());
    assertEquals(GroupState.COMPLETING_REBALANCE, group.describe().state());

    group.revocationDone(revoke);

    expectAssignment(b, 2, revoke.partitions());
    a.expectNoMessage(Duration.ofMillis(100));
    assertEquals(GroupState.STABLE, group.describe().state());
  }

  @Test
  void shouldRefuseAnotherAssignorAndBadJoins() {
    GroupFixture group = group();
    TestProbe<GroupMemberMessage> a = kit.createTestProbe();
    group.join(a, "range", "four");

    assertJoinRefused(
        group.join(
            "",
            kit.createTestProbe(),
            GroupSubscription.topics(Set.of("four")),
            "roundrobin",
            GroupFixture.SESSION,
            GroupFixture.REBALANCE),
        ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    assertJoinRefused(
        group.join(
            "",
            kit.createTestProbe(),
            GroupSubscription.topics(Set.of("four")),
            "range",
            Duration.ofMillis(10),
            GroupFixture.REBALANCE),
        ErrorCode.INVALID_SESSION_TIMEOUT);
    assertJoinRefused(
        group.join(
            "",
            kit.createTestProbe(),
            GroupSubscription.pattern("(unclosed"),
            "range",
            GroupFixture.SESSION,
            GroupFixture.REBALANCE),
        ErrorCode.INVALID_REQUEST);
    assertJoinRefused(
        group.join(
            "nobody",
            kit.createTestProbe(),
            GroupSubscription.topics(Set.of("four")),
            "range",
            GroupFixture.SESSION,
            GroupFixture.REBALANCE),
        ErrorCode.UNKNOWN_MEMBER_ID);
    assertJoinRefused(
        new GroupFixture(kit, "bad/id", topics)
            .join(
                "",
                kit.createTestProbe(),
                GroupSubscription.topics(Set.of("four")),
                "range",
                GroupFixture.SESSION,
                GroupFixture.REBALANCE),
        ErrorCode.INVALID_GROUP_ID);
    assertEquals(1, group.describe().members().size());
  }

  private static void assertJoinRefused(JoinReply reply, ErrorCode code) {
    JoinReply.JoinFailed failed = assertInstanceOf(JoinReply.JoinFailed.class, reply);
    assertEquals(code, failed.code(), failed.message());
  }

  @Test
  void shouldRemoveAMemberWhoseActorStopped() {
    GroupFixture group = group();
    TestProbe<GroupMemberMessage> a = kit.createTestProbe();
    TestProbe<GroupMemberMessage> b = kit.createTestProbe();
    ActorRef<GroupMemberMessage> forwarder =
        kit.spawn(
            Behaviors.receiveMessage(
                message -> {
                  b.getRef().tell(message);
                  return Behaviors.same();
                }));
    group.join(a, "roundrobin", "four");
    group.join(
        "",
        forwarder,
        GroupSubscription.topics(Set.of("four")),
        "roundrobin",
        GroupFixture.SESSION,
        GroupFixture.REBALANCE);
    expectAssignment(a, 1, tps(tp("four", 0), tp("four", 2)));
    expectAssignment(b, 1, tps(tp("four", 1), tp("four", 3)));

    kit.stop(forwarder);

    group.revocationDone(expectRevoke(a, 2, tps(tp("four", 0), tp("four", 2))));
    expectAssignment(a, 2, FOUR);
    assertEquals(1, group.describe().members().size());
  }

  @Test
  void shouldExpireAMemberThatSendsNoHeartbeats() {
    GroupFixture group = group();
    TestProbe<GroupMemberMessage> a = kit.createTestProbe();
    JoinReply.Joined joined =
        assertInstanceOf(
            JoinReply.Joined.class,
            group.join(
                "",
                a,
                GroupSubscription.topics(Set.of("one")),
                "range",
                Duration.ofMillis(300),
                GroupFixture.REBALANCE));
    expectAssignment(a, 1, tps(tp("one", 0)));
    assertSame(HeartbeatReply.HeartbeatOk.INSTANCE, group.heartbeat(joined.memberId(), 1));

    RemovedFromGroup removed = assertInstanceOf(RemovedFromGroup.class, a.receiveMessage());

    assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, removed.reason());
    HeartbeatReply.HeartbeatFailed failed =
        assertInstanceOf(
            HeartbeatReply.HeartbeatFailed.class, group.heartbeat(joined.memberId(), 1));
    assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, failed.code());
    kit.createTestProbe()
        .awaitAssert(
            () -> {
              assertEquals(GroupState.EMPTY, group.describe().state());
              assertEquals(2, group.describe().generation());
              return null;
            });
  }

  @Test
  void shouldRemoveAMemberThatDoesNotRevokeInTime() {
    GroupFixture group = group();
    TestProbe<GroupMemberMessage> slow = kit.createTestProbe();
    TestProbe<GroupMemberMessage> b = kit.createTestProbe();
    group.join(
        "",
        slow,
        GroupSubscription.topics(Set.of("four")),
        "range",
        GroupFixture.SESSION,
        Duration.ofMillis(300));
    expectAssignment(slow, 1, FOUR);

    group.join(b, "range", "four");

    expectRevoke(slow, 2, FOUR);
    assertInstanceOf(RemovedFromGroup.class, slow.receiveMessage());
    expectAssignment(b, 3, FOUR);
  }

  @Test
  void shouldAcceptCommitsOnlyFromOwnersOfTheCurrentGeneration() {
    GroupFixture group = group();
    TestProbe<GroupMemberMessage> a = kit.createTestProbe();
    TestProbe<GroupMemberMessage> b = kit.createTestProbe();
    String first = group.join(a, "range", "four");
    String second = group.join(b, "range", "four");
    expectAssignment(a, 1, tps(tp("four", 0), tp("four", 1)));
    expectAssignment(b, 1, tps(tp("four", 2), tp("four", 3)));

    assertSame(
        CommitReply.Committed.INSTANCE,
        group.commit(first, 1, Map.of(tp("four", 0), 10L, tp("four", 1), 11L)));
    refused(group.commit(first, 1, Map.of(tp("four", 2), 99L)), ErrorCode.FENCED_MEMBER_EPOCH);
    refused(group.commit(first, 0, Map.of(tp("four", 0), 99L)), ErrorCode.ILLEGAL_GENERATION);
    refused(group.commit("zombie", 1, Map.of(tp("four", 0), 99L)), ErrorCode.UNKNOWN_MEMBER_ID);
    refused(group.commit("", -1, Map.of(tp("four", 0), 99L)), ErrorCode.NON_EMPTY_GROUP);
    refused(group.commit(second, 1, Map.of(tp("four", 2), -1L)), ErrorCode.OFFSET_OUT_OF_RANGE);
    refused(
        group.commit(second, 1, Map.of(tp("four", 2), 5L, tp("four", 7), 5L)),
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

    assertEquals(
        Map.of(
            tp("four", 0), new OffsetAndMetadata(10, "m10"),
            tp("four", 1), new OffsetAndMetadata(11, "m11")),
        group.fetch());
  }

  @Test
  void shouldFenceAPartitionOnceItsRevocationIsDone() {
    GroupFixture group = group();
    TestProbe<GroupMemberMessage> a = kit.createTestProbe();
    TestProbe<GroupMemberMessage> b = kit.createTestProbe();
    String first = group.join(a, "range", "four");
    expectAssignment(a, 1, FOUR);
    group.join(b, "range", "four");
    RevokePartitions revoke = expectRevoke(a, 2, FOUR);

    assertSame(CommitReply.Committed.INSTANCE, group.commit(first, 1, Map.of(tp("four", 3), 30L)));
    group.revocationDone(revoke);
    expectAssignment(a, 2, tps(tp("four", 0), tp("four", 1)));

    refused(group.commit(first, 1, Map.of(tp("four", 3), 1L)), ErrorCode.FENCED_MEMBER_EPOCH);
    assertSame(CommitReply.Committed.INSTANCE, group.commit(first, 2, Map.of(tp("four", 0), 5L)));
    refused(group.commit(first, 1, Map.of(tp("four", 0), 1L)), ErrorCode.ILLEGAL_GENERATION);
    assertEquals(30, group.fetch().get(tp("four", 3)).offset());
  }

  @Test
  void shouldFollowAPatternToNewTopicsAndAddedPartitions() {
    GroupFixture group = group();
    topics.create("p-a", 1);
    TestProbe<GroupMemberMessage> a = kit.createTestProbe();
    group.join(
        "",
        a,
        GroupSubscription.pattern("p-.*"),
        "cooperative-sticky",
        GroupFixture.SESSION,
        GroupFixture.REBALANCE);
    expectAssignment(a, 1, tps(tp("p-a", 0)));

    topics.create("p-b", 2);

    expectAssignment(a, 2, tps(tp("p-a", 0), tp("p-b", 0), tp("p-b", 1)));

    topics.grow("p-a", 2);

    expectAssignment(a, 3, tps(tp("p-a", 0), tp("p-a", 1), tp("p-b", 0), tp("p-b", 1)));
  }

  @Test
  void shouldDropTheOffsetsOfDeletedAndRecreatedTopics() {
    GroupFixture group = group();
    topics.create("doomed", 1).create("reborn", 1);
    group.fetch();
    assertSame(
        CommitReply.Committed.INSTANCE,
        group.commit("", -1, Map.of(tp("doomed", 0), 3L, tp("reborn", 0), 4L, tp("one", 0), 5L)));

    topics.create("reborn", 1);

    assertEquals(Set.of(tp("doomed", 0), tp("one", 0)), group.fetch().keySet());

    topics.delete("doomed");

    kit.createTestProbe()
        .awaitAssert(
            () -> {
              assertEquals(Set.of(tp("one", 0)), group.fetch().keySet());
              return null;
            });
    group.restart();
    assertEquals(Set.of(tp("one", 0)), group.fetch().keySet());
  }

  @Test
  void shouldResetOffsetsOnlyWhileTheGroupHasNoMembers() {
    GroupFixture group = group();
    TestProbe<GroupMemberMessage> a = kit.createTestProbe();
    String id = group.join(a, "range", "one");
    expectAssignment(a, 1, tps(tp("one", 0)));

    refused(group.reset(Map.of(tp("one", 0), 7L)), ErrorCode.NON_EMPTY_GROUP);
    group.leave(id);

    assertSame(CommitReply.Committed.INSTANCE, group.reset(Map.of(tp("one", 0), 7L)));
    assertEquals(Map.of(tp("one", 0), OffsetAndMetadata.of(7)), group.fetch());
    refused(group.reset(Map.of(tp("one", 1), 7L)), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  }

  @Test
  void shouldDeleteOnlyAnEmptyGroupThatExists() {
    GroupFixture group = group();
    DeleteGroupReply.DeleteGroupFailed missing =
        assertInstanceOf(DeleteGroupReply.DeleteGroupFailed.class, group.delete());
    assertEquals(ErrorCode.GROUP_ID_NOT_FOUND, missing.code());
    TestProbe<GroupMemberMessage> a = kit.createTestProbe();
    String id = group.join(a, "range", "one");
    expectAssignment(a, 1, tps(tp("one", 0)));
    group.commit(id, 1, Map.of(tp("one", 0), 9L));

    assertEquals(
        ErrorCode.NON_EMPTY_GROUP,
        assertInstanceOf(DeleteGroupReply.DeleteGroupFailed.class, group.delete()).code());
    group.leave(id);

    assertSame(DeleteGroupReply.GroupDeleted.INSTANCE, group.delete());
    assertEquals(Map.of(), group.fetch());
    assertEquals(0, group.describe().generation());
    group.restart();
    assertEquals(Map.of(), group.fetch());
    assertEquals(0, group.describe().generation());
    assertTrue(group.describe().members().isEmpty());
  }
}
