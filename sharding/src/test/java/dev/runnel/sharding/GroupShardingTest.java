package dev.runnel.sharding;

import static dev.runnel.sharding.TestNodes.WAIT;
import static dev.runnel.sharding.TestNodes.await;
import static dev.runnel.sharding.TestNodes.createTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.TestProbe;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.group.CommitReply;
import dev.runnel.actors.group.DeleteGroupReply;
import dev.runnel.actors.group.GroupCommand;
import dev.runnel.actors.group.GroupDescription;
import dev.runnel.actors.group.GroupMemberMessage;
import dev.runnel.actors.group.GroupSubscription;
import dev.runnel.actors.group.JoinReply;
import dev.runnel.actors.group.OffsetAndMetadata;
import dev.runnel.actors.group.OffsetsFetched;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group coordinators run as sharded entities of a real node and keep their data across restarts.
 */
class GroupShardingTest {

  private static final TopicPartition T0 = new TopicPartition("orders", 0);
  private static final TopicPartition T1 = new TopicPartition("orders", 1);

  @TempDir Path dir;

  @Test
  void shouldRunGroupsListThemAndKeepTheirOffsetsAcrossANodeRestart() {
    try (RunnelNode node = TestNodes.start(dir, "runnel.group.initial-rebalance-delay = 0ms")) {
      createTopic(node, "orders", 2);
      TestProbe<GroupMemberMessage> member = TestProbe.create(node.system());
      JoinReply.Joined joined =
          assertInstanceOf(
              JoinReply.Joined.class,
              await(
                  node.group("shop")
                      .<JoinReply>ask(
                          replyTo ->
                              new GroupCommand.JoinGroup(
                                  "",
                                  "client",
                                  GroupSubscription.topics(Set.of("orders")),
                                  "cooperative-sticky",
                                  Duration.ofSeconds(30),
                                  Duration.ofSeconds(30),
                                  member.getRef(),
                                  replyTo),
                          WAIT)));
      member.expectMessage(
          WAIT, new GroupMemberMessage.Assignment(joined.memberId(), 1, Set.of(T0, T1)));
      assertSame(
          CommitReply.Committed.INSTANCE,
          await(
              node.group("shop")
                  .<CommitReply>ask(
                      replyTo ->
                          new GroupCommand.CommitOffsets(
                              joined.memberId(),
                              1,
                              Map.of(T0, new OffsetAndMetadata(42, "x")),
                              replyTo),
                      WAIT)));
      assertSame(CommitReply.Committed.INSTANCE, reset(node, "audit", Map.of(T1, 3L)));
      assertSame(CommitReply.Committed.INSTANCE, reset(node, "gone", Map.of(T1, 1L)));
      assertEquals(List.of("audit", "gone", "shop"), await(node.listGroups()));

      assertSame(
          DeleteGroupReply.GroupDeleted.INSTANCE,
          await(node.group("gone").ask(GroupCommand.DeleteGroup::new, WAIT)));
      assertEquals(List.of("audit", "shop"), await(node.listGroups()));
      await(
          node.group("shop")
              .<Done>ask(r -> new GroupCommand.LeaveGroup(joined.memberId(), r), WAIT));
    }

    try (RunnelNode node = TestNodes.start(dir)) {
      assertEquals(List.of("audit", "shop"), await(node.listGroups()));
      assertEquals(Map.of(T0, new OffsetAndMetadata(42, "x")), fetch(node, "shop"));
      assertEquals(Map.of(T1, OffsetAndMetadata.of(3)), fetch(node, "audit"));
      GroupDescription shop = await(node.group("shop").ask(GroupCommand.DescribeGroup::new, WAIT));
      assertTrue(shop.generation() >= 2, shop.toString());
      RunnelException invalid = assertThrows(RunnelException.class, () -> node.group("a|b"));
      assertEquals(ErrorCode.INVALID_GROUP_ID, invalid.code());
    }
  }

  private static CommitReply reset(RunnelNode node, String groupId, Map<TopicPartition, Long> to) {
    return await(node.group(groupId).ask(r -> new GroupCommand.ResetOffsets(to, r), WAIT));
  }

  private static Map<TopicPartition, OffsetAndMetadata> fetch(RunnelNode node, String groupId) {
    OffsetsFetched fetched =
        await(
            node.group(groupId).ask(r -> new GroupCommand.FetchOffsets(Optional.empty(), r), WAIT));
    return fetched.offsets();
  }
}
