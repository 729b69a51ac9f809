package dev.runnel.actors.topic;

import static dev.runnel.actors.topic.RegistryClient.failed;
import static dev.runnel.actors.topic.RegistryClient.ok;
import static dev.runnel.actors.topic.RegistryClient.topic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.topic.TopicConfig.TopicCompression;
import dev.runnel.actors.topic.TopicRegistry.TopicPublished;
import dev.runnel.actors.topic.TopicRegistry.TopicRemoved;
import dev.runnel.actors.topic.TopicRegistry.TopicsPublished;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The registry's commands, refusals and publications on the segment journal, with every message
 * serialized as if it crossed nodes ({@code akka.actor.serialize-messages = on}).
 */
class TopicRegistryTest {

  @TempDir static Path directory;

  private static ActorTestKit kit;
  private static final AtomicInteger registries = new AtomicInteger();

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create(RegistryTestConfig.under(directory));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** A new, empty registry, its recovery publication already received. */
  private static RegistryClient registry(PartitionDeletion deletion) {
    RegistryClient client =
        RegistryClient.spawn(kit, "topic-registry-" + registries.incrementAndGet(), deletion);
    client.published.expectMessage(new TopicsPublished(List.of()));
    return client;
  }

  private static RegistryClient registry() {
    return registry(RegistryClient.succeeding(kit.createTestProbe()));
  }

  @Test
  void shouldCreateDescribeAndListTopicsAndPublishThem() {
    RegistryClient client = registry();
    TopicMetadata orders =
        new TopicMetadata(
            "orders",
            3,
            TopicConfigs.parse(
                Map.of("retention.ms", "1000", "compression.type", "lz4"),
                TopicConfig.KAFKA_DEFAULTS),
            false);

    assertEquals(
        orders,
        ok(client.create("orders", 3, Map.of("retention.ms", " 1000", "compression.type", "lz4"))));
    client.published.expectMessage(new TopicPublished(orders));
    assertEquals(topic("clicks", 2, false), ok(client.create("clicks", -1, Map.of())));
    client.published.expectMessage(new TopicPublished(topic("clicks", 2, false)));

    assertEquals(orders, ok(client.describe("orders")));
    assertEquals(List.of(topic("clicks", 2, false), orders), client.list());
  }

  @Test
  void shouldAlterAndResetSettingsAndPublishOnlyChanges() {
    RegistryClient client = registry();
    client.create("metrics", 1, Map.of("retention.ms", "1000"));
    client.published.receiveMessage();

    TopicMetadata altered =
        ok(
            client.alter(
                "metrics",
                Map.of("segment.bytes", "2097152", "compression.type", "zstd"),
                Set.of("retention.ms")));

    assertEquals(TopicConfig.KAFKA_DEFAULTS.retentionMs(), altered.config().retentionMs());
    assertEquals(2 * 1024 * 1024, altered.config().segmentBytes());
    assertEquals(TopicCompression.ZSTD, altered.config().compressionType());
    client.published.expectMessage(new TopicPublished(altered));

    // The same values, spelled differently, and a reset of a default change nothing.
    assertEquals(
        altered,
        ok(
            client.alter(
                "metrics", Map.of("compression.type", " zstd "), Set.of("retention.bytes"))));
    TopicMetadata grown = ok(client.createPartitions("metrics", 2));
    client.published.expectMessage(new TopicPublished(grown));
    assertEquals(2, grown.partitions());
    assertEquals(altered.config(), grown.config());
  }

  @Test
  void shouldGrowPartitionsButNeverShrinkThem() {
    RegistryClient client = registry();
    client.create("logs", 3, Map.of());

    assertEquals(5, ok(client.createPartitions("logs", 5)).partitions());
    assertTrue(
        failed(client.createPartitions("logs", 4), ErrorCode.INVALID_PARTITIONS)
            .message()
            .contains("name=logs, partitions=5, requested=4"));
    failed(client.createPartitions("logs", 5), ErrorCode.INVALID_PARTITIONS);
    failed(client.createPartitions("logs", 0), ErrorCode.INVALID_PARTITIONS);
    assertEquals(5, ok(client.describe("logs")).partitions());
  }

  static Stream<Arguments> refusedCreates() {
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("retention.ms", null);
    return Stream.of(
        Arguments.of("", 1, Map.of(), ErrorCode.INVALID_TOPIC_EXCEPTION, "reason=empty"),
        Arguments.of(".", 1, Map.of(), ErrorCode.INVALID_TOPIC_EXCEPTION, "name=."),
        Arguments.of("..", 1, Map.of(), ErrorCode.INVALID_TOPIC_EXCEPTION, "name=.."),
        Arguments.of("x".repeat(250), 1, Map.of(), ErrorCode.INVALID_TOPIC_EXCEPTION, "length=250"),
        Arguments.of("a b", 1, Map.of(), ErrorCode.INVALID_TOPIC_EXCEPTION, "character ' '"),
        Arguments.of("a/b", 1, Map.of(), ErrorCode.INVALID_TOPIC_EXCEPTION, "character '/'"),
        Arguments.of("a_b", 1, Map.of(), ErrorCode.INVALID_TOPIC_EXCEPTION, "existing=a.b"),
        Arguments.of("a.b", 1, Map.of(), ErrorCode.TOPIC_ALREADY_EXISTS, "name=a.b"),
        Arguments.of("existing", 4, Map.of(), ErrorCode.TOPIC_ALREADY_EXISTS, "name=existing"),
        Arguments.of("new", 0, Map.of(), ErrorCode.INVALID_PARTITIONS, "partitions=0"),
        Arguments.of("new", -2, Map.of(), ErrorCode.INVALID_PARTITIONS, "partitions=-2"),
        Arguments.of(
            "new",
            1,
            Map.of("min.insync.replicas", "2"),
            ErrorCode.INVALID_CONFIG,
            "key=min.insync.replicas, value=2"),
        Arguments.of(
            "new",
            1,
            Map.of("segment.bytes", "1000"),
            ErrorCode.INVALID_CONFIG,
            "key=segment.bytes, value=1000"),
        Arguments.of(
            "new",
            1,
            Map.of("cleanup.policy", "compact"),
            ErrorCode.INVALID_CONFIG,
            "log compaction is not available yet"),
        Arguments.of(
            "new",
            1,
            Map.of("compression.type", "gzip"),
            ErrorCode.INVALID_CONFIG,
            "not supported by Runnel"),
        Arguments.of(
            "new", 1, nullValue, ErrorCode.INVALID_CONFIG, "key=retention.ms, value=null"));
  }

  @ParameterizedTest
  @MethodSource("refusedCreates")
  void shouldRefuseABadCreateAndChangeNothing(
      String name, int partitions, Map<String, String> configs, ErrorCode code, String fact) {
    RegistryClient client = registry();
    client.create("existing", 1, Map.of());
    client.create("a.b", 1, Map.of());
    List<TopicMetadata> before = client.list();

    String message = failed(client.create(name, partitions, configs), code).message();

    assertTrue(message.contains(fact), message);
    assertEquals(before, client.list());
  }

  @Test
  void shouldRefuseCommandsOnUnknownTopics() {
    RegistryClient client = registry();

    for (TopicReply reply :
        List.of(
            client.describe("nope"),
            client.alter("nope", Map.of("retention.ms", "1"), Set.of()),
            client.createPartitions("nope", 2),
            client.delete("nope"))) {
      assertEquals(
          "Unknown topic: name=nope",
          failed(reply, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).message());
    }
  }

  @Test
  void shouldRefuseBadAlterations() {
    RegistryClient client = registry();
    client.create("t", 1, Map.of("retention.ms", "1000"));

    failed(client.alter("t", Map.of("flush.ms", "1"), Set.of()), ErrorCode.INVALID_CONFIG);
    failed(client.alter("t", Map.of(), Set.of("flush.ms")), ErrorCode.INVALID_CONFIG);
    failed(client.alter("t", Map.of("segment.ms", "0"), Set.of()), ErrorCode.INVALID_CONFIG);
    failed(
        client.alter("t", Map.of("cleanup.policy", "compact,delete"), Set.of()),
        ErrorCode.INVALID_CONFIG);
    assertTrue(
        failed(
                client.alter("t", Map.of("retention.ms", "5"), Set.of("retention.ms")),
                ErrorCode.INVALID_REQUEST)
            .message()
            .contains("keys=[retention.ms]"));
    assertEquals(1000, ok(client.describe("t")).config().retentionMs());
  }

  @Test
  void shouldDeleteEveryPartitionThenRemoveTheTopic() {
    TestProbe<TopicPartition> asked = kit.createTestProbe();
    RegistryClient client = registry(RegistryClient.succeeding(asked));
    client.create("events", 3, Map.of());
    client.published.receiveMessage();

    assertEquals(topic("events", 3, true), ok(client.delete("events")));

    client.published.expectMessage(new TopicPublished(topic("events", 3, true)));
    client.published.expectMessage(new TopicRemoved("events"));
    assertEquals(
        Set.of(
            new TopicPartition("events", 0),
            new TopicPartition("events", 1),
            new TopicPartition("events", 2)),
        new HashSet<>(asked.receiveSeveralMessages(3)));
    failed(client.describe("events"), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assertEquals(List.of(), client.list());
    assertEquals(topic("events", 1, false), ok(client.create("events", 1, Map.of())));
  }

  @Test
  void shouldGiveEachIncarnationOfANameItsOwnTopicId() {
    RegistryClient client = registry();
    client.create("first", 1, Map.of());
    client.create("second", 1, Map.of());
    String first = client.topicId("first");
    client.createPartitions("first", 2);

    assertEquals(first, client.topicId("first"));
    assertNotEquals(first, client.topicId("second"));
    client.delete("first");
    client.published.receiveSeveralMessages(4);
    client.published.expectMessage(new TopicRemoved("first"));
    client.create("first", 1, Map.of());
    assertNotEquals(first, client.topicId("first"));
    assertFalse(client.topicId("first").isEmpty());
  }

  @Test
  void shouldKeepATopicBeingDeletedVisibleAndItsNameTaken() {
    TestProbe<TopicPartition> asked = kit.createTestProbe();
    Map<TopicPartition, CompletableFuture<Done>> pending = new ConcurrentHashMap<>();
    RegistryClient client =
        registry(
            RegistryClient.deletion(
                asked, tp -> pending.computeIfAbsent(tp, p -> new CompletableFuture<>())));
    client.create("x.y", 2, Map.of());
    client.published.receiveMessage();
    client.delete("x.y");
    client.published.expectMessage(new TopicPublished(topic("x.y", 2, true)));
    asked.receiveSeveralMessages(2);

    assertEquals(topic("x.y", 2, true), ok(client.describe("x.y")));
    assertEquals(List.of(topic("x.y", 2, true)), client.list());
    assertEquals(topic("x.y", 2, true), ok(client.delete("x.y")));
    failed(client.create("x.y", 1, Map.of()), ErrorCode.TOPIC_DELETION_IN_PROGRESS);
    failed(client.create("x_y", 1, Map.of()), ErrorCode.TOPIC_DELETION_IN_PROGRESS);
    failed(
        client.alter("x.y", Map.of("retention.ms", "1"), Set.of()),
        ErrorCode.TOPIC_DELETION_IN_PROGRESS);
    failed(client.createPartitions("x.y", 3), ErrorCode.TOPIC_DELETION_IN_PROGRESS);

    pending.values().forEach(future -> future.complete(Done.getInstance()));

    client.published.expectMessage(new TopicRemoved("x.y"));
    assertEquals(topic("x_y", 1, false), ok(client.create("x_y", 1, Map.of())));
  }

  @Test
  void shouldRetryAFailedDeletionUntilEveryPartitionIsGone() {
    TestProbe<TopicPartition> asked = kit.createTestProbe();
    AtomicInteger calls = new AtomicInteger();
    RegistryClient client =
        registry(
            RegistryClient.deletion(
                asked,
                tp -> {
                  int call = calls.incrementAndGet();
                  if (call == 1) {
                    throw new IllegalStateException("partition unreachable");
                  }
                  return call == 3
                      ? CompletableFuture.failedFuture(new IllegalStateException("timed out"))
                      : CompletableFuture.completedFuture(Done.getInstance());
                }));
    client.create("flaky", 2, Map.of());
    client.published.receiveMessage();

    client.delete("flaky");

    client.published.expectMessage(new TopicPublished(topic("flaky", 2, true)));
    client.published.expectMessage(new TopicRemoved("flaky"));
    assertEquals(6, asked.receiveSeveralMessages(6).size());
    assertEquals(6, calls.get());
  }

  @Test
  void shouldAllocateUniqueIncreasingProducerIdsAcrossBlocks() {
    RegistryClient client = registry();

    for (long expected = 0; expected < 25; expected++) {
      assertEquals(expected, client.allocateProducerId());
    }
  }
}
