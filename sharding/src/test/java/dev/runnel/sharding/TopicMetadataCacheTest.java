package dev.runnel.sharding;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.ConfigFactory;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.topic.TopicConfig;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.actors.topic.TopicRegistry;
import dev.runnel.actors.topic.TopicRegistry.TopicPublished;
import dev.runnel.actors.topic.TopicRegistry.TopicRemoved;
import dev.runnel.actors.topic.TopicRegistry.TopicsPublished;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache fed through the registry's listener by hand, on a one-node cluster without a registry.
 */
class TopicMetadataCacheTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  @TempDir static Path dir;
  private static ActorTestKit testKit;
  private static TopicMetadataCache cache;
  private static ActorRef<TopicRegistry.Published> listener;

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            NodeSettings.SYSTEM_NAME,
            NodeSettings.nodeConfig(
                ConfigFactory.parseString("runnel.cluster.port = 0")
                    .withFallback(
                        ConfigFactory.parseMap(Map.of("runnel.data-dir", dir.toString())))));
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    cache = TopicMetadataCache.start(testKit.system());
    listener = testKit.spawn(TopicMetadataPublisher.create(Duration.ofSeconds(3)));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void shouldShowAPublishedTopicOnTheNode() throws Exception {
    TopicMetadata orders = topic("orders", 3, false);
    listener.tell(new TopicPublished(orders));

    assertEquals(orders, awaitTopic("orders", m -> true));
    assertEquals(Optional.of(orders), cache.topic("orders"));
    assertTrue(cache.all().contains(orders));
  }

  @Test
  void shouldCompleteAnAwaitOnlyWhenTheTopicIsWhatTheCallerNeeds() throws Exception {
    listener.tell(new TopicPublished(topic("growing", 1, false)));
    awaitTopic("growing", m -> true);

    CompletableFuture<TopicMetadata> fourPartitions =
        cache.await("growing", m -> m.partitions() >= 4, WAIT).toCompletableFuture();
    assertFalse(fourPartitions.isDone(), "one partition is not enough");

    listener.tell(new TopicPublished(topic("growing", 4, false)));
    assertEquals(4, fourPartitions.get(WAIT.toSeconds(), SECONDS).partitions());
  }

  @Test
  void shouldFailAnAwaitForAnUnknownTopicAfterItsTimeout() {
    CompletableFuture<TopicMetadata> never =
        cache.await("never-created", m -> true, Duration.ofMillis(200)).toCompletableFuture();

    ExecutionException e =
        assertThrows(ExecutionException.class, () -> never.get(WAIT.toSeconds(), SECONDS));
    RunnelException cause = assertInstanceOf(RunnelException.class, e.getCause());
    assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, cause.code());
    assertEquals(
        "UNKNOWN_TOPIC_OR_PARTITION: Topic metadata not ready: topic=never-created,"
            + " timeout=PT0.2S, known=none",
        cause.getMessage());
  }

  @Test
  void shouldForgetARemovedTopic() throws Exception {
    listener.tell(new TopicPublished(topic("doomed", 2, false)));
    awaitTopic("doomed", m -> true);
    listener.tell(new TopicPublished(topic("doomed", 2, true)));
    assertTrue(awaitTopic("doomed", TopicMetadata::deleting).deleting());

    listener.tell(new TopicRemoved("doomed"));
    listener.tell(new TopicPublished(topic("after-doomed", 1, false)));
    awaitTopic("after-doomed", m -> true);

    assertEquals(Optional.empty(), cache.topic("doomed"));
    assertEquals(
        List.of(),
        cache.all().stream().filter(m -> m.name().equals("doomed")).toList(),
        "all() forgets it too");
  }

  @Test
  void shouldReplaceEveryTopicWhenTheRegistryPublishesAll() throws Exception {
    listener.tell(new TopicPublished(topic("stale", 1, false)));
    listener.tell(new TopicPublished(topic("kept", 1, false)));
    awaitTopic("stale", m -> true);

    listener.tell(new TopicsPublished(List.of(topic("kept", 5, false), topic("fresh", 2, false))));

    assertEquals(5, awaitTopic("kept", m -> m.partitions() == 5).partitions());
    assertEquals(2, awaitTopic("fresh", m -> true).partitions());
    assertEquals(List.of("fresh", "kept"), cache.all().stream().map(TopicMetadata::name).toList());
  }

  private static TopicMetadata awaitTopic(String name, Predicate<TopicMetadata> ready)
      throws Exception {
    return cache.await(name, ready, WAIT).toCompletableFuture().get(WAIT.toSeconds(), SECONDS);
  }

  private static TopicMetadata topic(String name, int partitions, boolean deleting) {
    return new TopicMetadata(name, partitions, TopicConfig.KAFKA_DEFAULTS, deleting);
  }
}
