package dev.runnel.actors.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GroupProtocolSerializationTest {

  private static final TopicPartition A0 = new TopicPartition("a-b.c", 0);
  private static final TopicPartition B7 = new TopicPartition("b", 7);

  private static ActorTestKit testKit;
  private static SerializationTestKit serialization;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
    serialization = new SerializationTestKit(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static <T> T roundTrip(T message) {
    T copy = serialization.verifySerialization(message, false);
    assertEquals(message, copy);
    return copy;
  }

  @Test
  void shouldRoundTripCommands() {
    roundTrip(
        new GroupCommand.JoinGroup(
            "",
            "client-1",
            GroupSubscription.topics(Set.of("a", "b")),
            "range",
            Duration.ofSeconds(45),
            Duration.ofMinutes(5),
            testKit.<GroupMemberMessage>createTestProbe().getRef(),
            testKit.<JoinReply>createTestProbe().getRef()));
    roundTrip(
        new GroupCommand.JoinGroup(
            "m-1",
            "client-1",
            GroupSubscription.pattern("a.*"),
            "cooperative-sticky",
            Duration.ofMillis(500),
            Duration.ofMillis(700),
            testKit.<GroupMemberMessage>createTestProbe().getRef(),
            testKit.<JoinReply>createTestProbe().getRef()));
    roundTrip(
        new GroupCommand.Heartbeat("m-1", 3, testKit.<HeartbeatReply>createTestProbe().getRef()));
    roundTrip(new GroupCommand.LeaveGroup("m-1", testKit.<Done>createTestProbe().getRef()));
    roundTrip(new GroupCommand.RevocationDone("m-1", 4, Set.of(A0, B7)));
    roundTrip(
        new GroupCommand.CommitOffsets(
            "m-1",
            4,
            Map.of(A0, new OffsetAndMetadata(12, "meta"), B7, OffsetAndMetadata.of(0)),
            testKit.<CommitReply>createTestProbe().getRef()));
    roundTrip(
        new GroupCommand.FetchOffsets(
            Optional.of(Set.of(A0)), testKit.<OffsetsFetched>createTestProbe().getRef()));
    roundTrip(
        new GroupCommand.FetchOffsets(
            Optional.empty(), testKit.<OffsetsFetched>createTestProbe().getRef()));
    roundTrip(new GroupCommand.DescribeGroup(testKit.<GroupDescription>createTestProbe().getRef()));
    roundTrip(
        new GroupCommand.ResetOffsets(
            Map.of(A0, 5L), testKit.<CommitReply>createTestProbe().getRef()));
    roundTrip(new GroupCommand.DeleteGroup(testKit.<DeleteGroupReply>createTestProbe().getRef()));
  }

  @Test
  void shouldRoundTripRepliesAndMemberMessages() {
    roundTrip(new JoinReply.Joined("m-1", 2));
    roundTrip(new JoinReply.JoinFailed(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, "assignor=range"));
    assertSame(HeartbeatReply.HeartbeatOk.INSTANCE, roundTrip(HeartbeatReply.HeartbeatOk.INSTANCE));
    roundTrip(new HeartbeatReply.HeartbeatFailed(ErrorCode.UNKNOWN_MEMBER_ID, "memberId=m"));
    assertSame(CommitReply.Committed.INSTANCE, roundTrip(CommitReply.Committed.INSTANCE));
    roundTrip(new CommitReply.CommitFailed(ErrorCode.FENCED_MEMBER_EPOCH, "partition=a-0"));
    assertSame(
        DeleteGroupReply.GroupDeleted.INSTANCE, roundTrip(DeleteGroupReply.GroupDeleted.INSTANCE));
    roundTrip(new DeleteGroupReply.DeleteGroupFailed(ErrorCode.NON_EMPTY_GROUP, "members=1"));
    roundTrip(
        new OffsetsFetched(Map.of(A0, new OffsetAndMetadata(3, ""), B7, OffsetAndMetadata.of(9))));
    roundTrip(
        new GroupDescription(
            "g",
            GroupState.STABLE,
            3,
            "range",
            List.of(
                new GroupDescription.MemberDescription(
                    "m-1", "c", "akka://x/user/m", Set.of(A0)))));
    roundTrip(new GroupMemberMessage.Assignment("m-1", 3, Set.of(A0, B7)));
    roundTrip(new GroupMemberMessage.RevokePartitions("m-1", 4, Set.of(B7)));
    roundTrip(
        new GroupMemberMessage.RemovedFromGroup(
            "m-1", ErrorCode.UNKNOWN_MEMBER_ID, "reason=session expired"));
  }
}
