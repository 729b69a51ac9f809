package dev.runnel.actors.group;

import static dev.runnel.actors.group.GroupFixture.tp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupListingTest {

  @Test
  void shouldListGroupsWithDataAndLeaveOutDeletedOnes(@TempDir Path directory) throws Exception {
    ActorTestKit kit = ActorTestKit.create(GroupFixture.config(directory));
    try {
      GroupTestTopics topics = new GroupTestTopics().create("t", 1);
      for (String id : List.of("b", "a")) {
        GroupFixture group = new GroupFixture(kit, id, topics);
        assertSame(CommitReply.Committed.INSTANCE, group.reset(Map.of(tp("t", 0), 1L)));
        assertSame(CommitReply.Committed.INSTANCE, group.reset(Map.of(tp("t", 0), 2L)));
      }
      GroupFixture deleted = new GroupFixture(kit, "deleted", topics);
      assertSame(CommitReply.Committed.INSTANCE, deleted.reset(Map.of(tp("t", 0), 1L)));
      assertSame(DeleteGroupReply.GroupDeleted.INSTANCE, deleted.delete());
      new GroupFixture(kit, "never-written", topics).fetch();

      List<String> listed =
          GroupListing.groupIds(kit.system(), "runnel.persistence.query")
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);

      assertEquals(List.of("a", "b"), listed);
    } finally {
      kit.shutdownTestKit();
    }
  }
}
