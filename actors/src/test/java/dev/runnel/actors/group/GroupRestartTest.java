package dev.runnel.actors.group;

import static dev.runnel.actors.group.GroupFixture.expectAssignment;
import static dev.runnel.actors.group.GroupFixture.tp;
import static dev.runnel.actors.group.GroupFixture.tps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Offsets and generations outlive the coordinator and the actor system; membership does not. */
class GroupRestartTest {

  @Test
  void shouldKeepOffsetsAndGrowGenerationsAcrossRestarts(@TempDir Path directory) {
    GroupTestTopics topics = new GroupTestTopics().create("t", 2);
    Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    ActorTestKit kit = ActorTestKit.create(GroupFixture.config(directory));
    try {
      GroupFixture group = new GroupFixture(kit, "restarted", topics);
      TestProbe<GroupMemberMessage> member = kit.createTestProbe();
      String id = group.join(member, "range", "t");
      expectAssignment(member, 1, tps(tp("t", 0), tp("t", 1)));
      for (long offset = 1; offset <= 5; offset++) {
        assertSame(
            CommitReply.Committed.INSTANCE,
            group.commit(id, 1, Map.of(tp("t", 0), offset, tp("t", 1), offset * 10)));
      }
      committed.putAll(group.fetch());

      group.restart();

      assertEquals(committed, group.fetch());
      assertEquals(GroupState.EMPTY, group.describe().state());
      assertEquals(1, group.describe().generation());
      HeartbeatReply.HeartbeatFailed failed =
          assertInstanceOf(HeartbeatReply.HeartbeatFailed.class, group.heartbeat(id, 1));
      assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, failed.code());
      String again = group.join(member, "range", "t");
      expectAssignment(member, 2, tps(tp("t", 0), tp("t", 1)));
      group.commit(again, 2, Map.of(tp("t", 1), 77L));
      committed.put(tp("t", 1), new OffsetAndMetadata(77, "m77"));
    } finally {
      kit.shutdownTestKit();
    }

    ActorTestKit restarted = ActorTestKit.create(GroupFixture.config(directory));
    try {
      GroupFixture group = new GroupFixture(restarted, "restarted", topics);

      assertEquals(committed, group.fetch());
      assertEquals(2, group.describe().generation());
      TestProbe<GroupMemberMessage> member = restarted.createTestProbe();
      group.join(member, "cooperative-sticky", "t");
      expectAssignment(member, 3, tps(tp("t", 0), tp("t", 1)));
    } finally {
      restarted.shutdownTestKit();
    }
  }
}
