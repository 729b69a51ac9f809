package dev.runnel.sharding;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.sharding.ShardRegion;
import akka.cluster.sharding.typed.GetShardRegionState;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.Cluster;
import akka.stream.javadsl.Sink;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.partition.Acks;
import dev.runnel.actors.partition.AppendReply;
import dev.runnel.actors.partition.PartitionCommand;
import dev.runnel.actors.partition.PartitionInfo;
import dev.runnel.actors.partition.ReaderReply;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.actors.topic.TopicRegistryCommand;
import dev.runnel.actors.topic.TopicReply;
import dev.runnel.persistence.record.Record;
import dev.runnel.persistence.record.RecordBatch;
import dev.runnel.persistence.record.RecordBatchCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Real nodes for tests: 127.0.0.1, a free port, the segment storage in a given directory (fsync
 * never) unless a storage config says otherwise, and requests that wait for their answer.
 */
final class TestNodes {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final RecordBatchCodec CODEC = new RecordBatchCodec();

  private TestNodes() {}

  /** A node on {@code dataDir}; {@code settings} are HOCON lines over the test defaults. */
  static RunnelNode start(Path dataDir, String... settings) {
    return start(ConfigFactory.empty(), dataDir, settings);
  }

  /**
   * A node with {@code storage} (e.g. {@link TestPostgres#nodeConfig()}) over the test defaults and
   * {@code settings} over both.
   */
  static RunnelNode start(Config storage, Path dataDir, String... settings) {
    Config config =
        ConfigFactory.parseString(String.join("\n", settings))
            .withFallback(storage)
            .withFallback(
                ConfigFactory.parseMap(
                    Map.of(
                        "runnel.data-dir",
                        dataDir.toString(),
                        "runnel.cluster.port",
                        0,
                        "runnel.fsync",
                        "never")));
    return RunnelNode.start(config);
  }

  /** Waits until the node sees {@code count} members, all of them Up. */
  static void awaitMembersUp(RunnelNode node, int count) {
    Cluster cluster = Cluster.get(node.system());
    TestProbe.create(node.system())
        .awaitAssert(
            WAIT,
            () -> {
              List<MemberStatus> statuses =
                  StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
                      .map(Member::status)
                      .toList();
              assertEquals(
                  List.of(), statuses.stream().filter(s -> s != MemberStatus.up()).toList());
              assertEquals(count, statuses.size(), "members " + statuses);
              return null;
            });
  }

  /** Creates a topic through the node's registry proxy; returns once the node's cache has it. */
  static TopicMetadata createTopic(RunnelNode node, String name, int partitions) {
    return createTopic(node, name, partitions, Map.of());
  }

  /** {@link #createTopic(RunnelNode, String, int)} with topic settings (Kafka's names). */
  static TopicMetadata createTopic(
      RunnelNode node, String name, int partitions, Map<String, String> configs) {
    TopicReply reply =
        ask(
            node,
            replyTo ->
                node.topicRegistry()
                    .tell(
                        new TopicRegistryCommand.CreateTopic(name, partitions, configs, replyTo)));
    TopicMetadata created =
        assertInstanceOf(TopicReply.TopicOk.class, reply, reply.toString()).topic();
    // As a producer would: partitions refuse records for topics their node does not know yet.
    return await(node.topics().await(name, created::equals, WAIT));
  }

  /** Appends a batch to the partition through sharding; expects it written. */
  static AppendReply.Appended append(RunnelNode node, TopicPartition tp, byte[] batch) {
    AppendReply reply =
        await(
            node.partition(tp)
                .ask(replyTo -> new PartitionCommand.Append(batch, Acks.ALL, replyTo), WAIT));
    return assertInstanceOf(AppendReply.Appended.class, reply, reply.toString());
  }

  /** The first {@code count} records of the partition from {@code fromOffset}, via OpenReader. */
  static List<Record> read(RunnelNode node, TopicPartition tp, long fromOffset, int count) {
    ReaderReply reply =
        await(
            node.partition(tp)
                .ask(replyTo -> new PartitionCommand.OpenReader(fromOffset, replyTo), WAIT));
    ReaderReply.ReaderOpened opened =
        assertInstanceOf(ReaderReply.ReaderOpened.class, reply, reply.toString());
    return await(
        opened
            .batches()
            .getSource()
            .mapConcat(batch -> batch.decode().records())
            .filter(record -> record.offset() >= fromOffset)
            .take(count)
            .runWith(Sink.seq(), node.system()));
  }

  static PartitionInfo info(RunnelNode node, TopicPartition tp) {
    return await(node.partition(tp).ask(PartitionCommand.GetPartitionInfo::new, WAIT));
  }

  /** The partitions running on this node now, by entity id. */
  static Set<String> runningPartitions(RunnelNode node) {
    ShardRegion.CurrentShardRegionState state =
        ask(
            node,
            replyTo ->
                ClusterSharding.get(node.system())
                    .shardState()
                    .tell(new GetShardRegionState(PartitionSharding.ENTITY_TYPE_KEY, replyTo)));
    return state.getShards().stream()
        .flatMap(shard -> shard.getEntityIds().stream())
        .collect(Collectors.toSet());
  }

  /** A batch with one record per key, the value "value-of-<key>". */
  static byte[] batch(String... keys) {
    RecordBatch.Builder builder = RecordBatch.builder(0);
    for (String key : keys) {
      builder.add(System.currentTimeMillis(), utf8(key), utf8("value-of-" + key));
    }
    return CODEC.encode(builder.build());
  }

  static byte[] utf8(String text) {
    return text.getBytes(UTF_8);
  }

  static String text(byte[] bytes) {
    return new String(bytes, UTF_8);
  }

  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("No answer within " + WAIT, e);
    }
  }

  /** Sends what {@code send} builds to a fresh probe's address and returns the answer. */
  private static <T> T ask(RunnelNode node, Consumer<ActorRef<T>> send) {
    TestProbe<T> probe = TestProbe.create(node.system());
    send.accept(probe.getRef());
    return probe.receiveMessage(WAIT);
  }
}
