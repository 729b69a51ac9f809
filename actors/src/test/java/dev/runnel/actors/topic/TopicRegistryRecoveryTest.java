package dev.runnel.actors.topic;

import static dev.runnel.actors.topic.RegistryClient.failed;
import static dev.runnel.actors.topic.RegistryClient.ok;
import static dev.runnel.actors.topic.RegistryClient.topic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.topic.TopicRegistry.TopicPublished;
import dev.runnel.actors.topic.TopicRegistry.TopicRemoved;
import dev.runnel.actors.topic.TopicRegistry.TopicsPublished;
import dev.runnel.persistence.snapshot.SnapshotFiles;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry recovers in a new ActorSystem on the same storage, as after a crash. */
class TopicRegistryRecoveryTest {

  private static final String ID = "topic-registry";

  /** Runs {@code body} in an ActorSystem on the storage under {@code directory}, then stops it. */
  private static void inSystem(Path directory, Consumer<ActorTestKit> body) {
    ActorTestKit kit = ActorTestKit.create(RegistryTestConfig.under(directory));
    try {
      body.accept(kit);
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void shouldRecoverTopicsAndAllocateProducerIdsAboveAllHandedOut(@TempDir Path directory) {
    AtomicReference<String> ordersId = new AtomicReference<>();
    List<TopicMetadata> before =
        List.of(
            topic("clicks", 4, false),
            new TopicMetadata(
                "orders",
                3,
                TopicConfigs.parse(Map.of("compression.type", "lz4"), TopicConfig.KAFKA_DEFAULTS),
                false));
    inSystem(
        directory,
        kit -> {
          RegistryClient client =
              RegistryClient.spawn(kit, ID, RegistryClient.succeeding(kit.createTestProbe()));
          client.published.expectMessage(new TopicsPublished(List.of()));
          client.create("orders", 3, Map.of("retention.ms", "1000"));
          client.create("clicks", 1, Map.of());
          client.create("gone", 2, Map.of());
          client.alter("orders", Map.of("compression.type", "lz4"), Set.of("retention.ms"));
          client.createPartitions("clicks", 2);
          client.delete("gone");
          client.createPartitions("clicks", 4);
          client.published.receiveSeveralMessages(6);
          client.published.expectMessage(new TopicRemoved("gone"));
          client.published.expectMessage(new TopicPublished(topic("clicks", 4, false)));
          assertEquals(List.of(0L, 1L, 2L), allocate(client, 3));
          assertEquals(before, client.list());
          ordersId.set(client.topicId("orders"));
        });
    // Nine events, a snapshot every 4: recovery below starts from the 8th and replays the 9th.
    assertFalse(new SnapshotFiles(directory.resolve("snapshots")).list(ID).isEmpty());

    inSystem(
        directory,
        kit -> {
          RegistryClient client =
              RegistryClient.spawn(kit, ID, RegistryClient.succeeding(kit.createTestProbe()));
          client.published.expectMessage(new TopicsPublished(before));
          assertEquals(before, client.list());
          assertEquals(ordersId.get(), client.topicId("orders"));
          failed(client.describe("gone"), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          // The rest of the block reserved before the restart (ids 3 to 9) is skipped.
          assertEquals(List.of(10L, 11L), allocate(client, 2));
        });
  }

  @Test
  void shouldResumeADeletionThatACrashInterrupted(@TempDir Path directory) {
    Set<TopicPartition> partitions =
        Set.of(
            new TopicPartition("events", 0),
            new TopicPartition("events", 1),
            new TopicPartition("events", 2));
    inSystem(
        directory,
        kit -> {
          TestProbe<TopicPartition> asked = kit.createTestProbe();
          RegistryClient client =
              RegistryClient.spawn(
                  kit, ID, RegistryClient.deletion(asked, tp -> new CompletableFuture<Done>()));
          client.published.expectMessage(new TopicsPublished(List.of()));
          client.create("events", 3, Map.of());
          client.create("kept", 1, Map.of());
          ok(client.delete("events"));
          assertEquals(partitions, new HashSet<>(asked.receiveSeveralMessages(3)));
          client.published.receiveSeveralMessages(2);
          client.published.expectMessage(new TopicPublished(topic("events", 3, true)));
        });

    inSystem(
        directory,
        kit -> {
          TestProbe<TopicPartition> asked = kit.createTestProbe();
          RegistryClient client = RegistryClient.spawn(kit, ID, RegistryClient.succeeding(asked));
          client.published.expectMessage(
              new TopicsPublished(List.of(topic("events", 3, true), topic("kept", 1, false))));
          assertEquals(partitions, new HashSet<>(asked.receiveSeveralMessages(3)));
          client.published.expectMessage(new TopicRemoved("events"));
          failed(client.describe("events"), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        });

    inSystem(
        directory,
        kit -> {
          TestProbe<TopicPartition> asked = kit.createTestProbe();
          RegistryClient client = RegistryClient.spawn(kit, ID, RegistryClient.succeeding(asked));
          client.published.expectMessage(new TopicsPublished(List.of(topic("kept", 1, false))));
          asked.expectNoMessage();
        });
  }

  private static List<Long> allocate(RegistryClient client, int count) {
    return IntStream.range(0, count).mapToObj(i -> client.allocateProducerId()).toList();
  }
}
