package dev.runnel.sharding;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.SelfUniqueAddress;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.ConfigFactory;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.topic.TopicConfig;
import dev.runnel.actors.topic.TopicMetadata;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache fed by hand through Distributed Data, on a one-node cluster without a registry. */
class TopicMetadataCacheTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  @TempDir static Path dir;
  private static ActorTestKit testKit;
  private static TopicMetadataCache cache;

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
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void shouldShowATopicWrittenToDistributedData() throws Exception {
    TopicMetadata orders = topic("orders", 3, false);
    write(map -> map.put(self(), "orders", orders));

    assertEquals(orders, awaitTopic("orders", m -> true));
    assertEquals(Optional.of(orders), cache.topic("orders"));
    assertTrue(cache.all().contains(orders));
  }

  @Test
  void shouldCompleteAnAwaitOnlyWhenTheTopicIsWhatTheCallerNeeds() throws Exception {
    write(map -> map.put(self(), "growing", topic("growing", 1, false)));
    awaitTopic("growing", m -> true);

    CompletableFuture<TopicMetadata> fourPartitions =
        cache.await("growing", m -> m.partitions() >= 4, WAIT).toCompletableFuture();
    assertFalse(fourPartitions.isDone(), "one partition is not enough");

    write(map -> map.put(self(), "growing", topic("growing", 4, false)));
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
    write(map -> map.put(self(), "doomed", topic("doomed", 2, false)));
    awaitTopic("doomed", m -> true);
    write(map -> map.put(self(), "doomed", topic("doomed", 2, true)));
    assertTrue(awaitTopic("doomed", TopicMetadata::deleting).deleting());

    write(map -> map.remove(self(), "doomed"));
    write(map -> map.put(self(), "after-doomed", topic("after-doomed", 1, false)));
    awaitTopic("after-doomed", m -> true);

    assertEquals(Optional.empty(), cache.topic("doomed"));
    assertEquals(
        List.of(),
        cache.all().stream().filter(m -> m.name().equals("doomed")).toList(),
        "all() forgets it too");
  }

  private static TopicMetadata awaitTopic(String name, Predicate<TopicMetadata> ready)
      throws Exception {
    return cache.await(name, ready, WAIT).toCompletableFuture().get(WAIT.toSeconds(), SECONDS);
  }

  private static TopicMetadata topic(String name, int partitions, boolean deleting) {
    return new TopicMetadata(name, partitions, TopicConfig.KAFKA_DEFAULTS, deleting);
  }

  private static SelfUniqueAddress self() {
    return DistributedData.get(testKit.system()).selfUniqueAddress();
  }

  /** Changes the topic map in this node's replicator, the way the registry's listener does. */
  private static void write(UnaryOperator<LWWMap<String, TopicMetadata>> change) {
    TestProbe<Replicator.UpdateResponse<LWWMap<String, TopicMetadata>>> probe =
        testKit.createTestProbe();
    DistributedData.get(testKit.system())
        .replicator()
        .tell(
            new Replicator.Update<>(
                TopicMetadataCache.TOPICS_KEY,
                LWWMap.create(),
                Replicator.writeLocal(),
                probe.getRef(),
                change::apply));
    assertInstanceOf(Replicator.UpdateSuccess.class, probe.receiveMessage());
  }
}
