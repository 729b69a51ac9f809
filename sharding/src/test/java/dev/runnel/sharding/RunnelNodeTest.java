package dev.runnel.sharding;

import static dev.runnel.sharding.TestNodes.WAIT;
import static dev.runnel.sharding.TestNodes.append;
import static dev.runnel.sharding.TestNodes.batch;
import static dev.runnel.sharding.TestNodes.createTopic;
import static dev.runnel.sharding.TestNodes.info;
import static dev.runnel.sharding.TestNodes.read;
import static dev.runnel.sharding.TestNodes.runningPartitions;
import static dev.runnel.sharding.TestNodes.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.cluster.typed.Cluster;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.actors.topic.TopicRegistryCommand;
import dev.runnel.actors.topic.TopicReply;
import dev.runnel.persistence.record.Record;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One node that joins itself, with partitions passivated after a second of idleness, on the segment
 * storage ({@link RunnelNodeJdbcTest} runs the same on PostgreSQL).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunnelNodeTest {

  @TempDir static Path dir;
  private RunnelNode node;

  /** The storage settings the node starts with; none for the default, the segment storage. */
  Config storage() {
    return ConfigFactory.empty();
  }

  @BeforeAll
  void start() {
    node = TestNodes.start(storage(), dir, "runnel.sharding.passivate-idle-after = 1s");
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void shouldJoinItselfAndBeUp() {
    TestNodes.awaitMembersUp(node, 1);
    assertEquals(
        Cluster.get(node.system()).selfMember().address(),
        Cluster.get(node.system()).state().getLeader());
  }

  @Test
  void shouldShowATopicCreatedThroughTheRegistryInTheCache() {
    TestProbe<TopicReply> reply = TestProbe.create(node.system());
    node.topicRegistry()
        .tell(new TopicRegistryCommand.CreateTopic("created", 3, Map.of(), reply.getRef()));
    TopicMetadata created =
        assertInstanceOf(TopicReply.TopicOk.class, reply.receiveMessage(WAIT)).topic();

    TopicMetadata cached = TestNodes.await(node.topics().await("created", m -> true, WAIT));
    assertEquals(created, cached);
    assertEquals(3, cached.partitions());
    assertEquals(Optional.of(created), node.topics().topic("created"));
  }

  @Test
  void shouldAppendThroughShardingAndReadTheRecordsBack() {
    createTopic(node, "appended", 4);
    byte[] key = TestNodes.utf8("customer-17");
    TopicPartition tp = new TopicPartition("appended", Partitioner.partitionForKey(key, 4));

    assertEquals(0, append(node, tp, batch("customer-17", "customer-17")).baseOffset());
    assertEquals(2, append(node, tp, batch("customer-17")).baseOffset());

    List<Record> records = read(node, tp, 1, 2);
    assertEquals(List.of(1L, 2L), records.stream().map(Record::offset).toList());
    assertEquals("value-of-customer-17", text(records.get(0).value()));
  }

  @Test
  void shouldRestartAPassivatedPartitionOnItsNextMessage() {
    createTopic(node, "idle", 1);
    TopicPartition tp = new TopicPartition("idle", 0);
    append(node, tp, batch("a", "b", "c"));
    assertTrue(runningPartitions(node).contains(tp.entityId()));

    TestProbe.create(node.system())
        .awaitAssert(
            WAIT,
            () -> {
              assertFalse(runningPartitions(node).contains(tp.entityId()), "passivated");
              return null;
            });

    assertEquals(3, info(node, tp).highWatermark(), "recovered from its journal");
    assertTrue(runningPartitions(node).contains(tp.entityId()));
  }

  @Test
  void shouldDeleteTheLogsOfADeletedTopicThroughSharding() {
    createTopic(node, "doomed", 2);
    TopicPartition tp = new TopicPartition("doomed", 1);
    append(node, tp, batch("x", "y"));
    assertEquals(2, info(node, tp).highWatermark());

    TestProbe<TopicReply> deleted = TestProbe.create(node.system());
    node.topicRegistry().tell(new TopicRegistryCommand.DeleteTopic("doomed", deleted.getRef()));
    assertInstanceOf(TopicReply.TopicOk.class, deleted.receiveMessage(WAIT));

    TestProbe.create(node.system())
        .awaitAssert(
            WAIT,
            () -> {
              assertEquals(Optional.empty(), node.topics().topic("doomed"), "removed");
              return null;
            });
    assertEquals(0, info(node, tp).highWatermark(), "its log is gone");
  }

  @Test
  void shouldRefuseAnUnknownStorageBeforeStartingAnything() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TestNodes.start(dir.resolve("other"), "runnel.storage = something-else"));

    assertEquals(
        "Unsupported storage: runnel.storage=something-else, supported=[segment, jdbc]",
        e.getMessage());
  }
}
