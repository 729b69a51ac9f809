package dev.runnel.sharding;

import static dev.runnel.sharding.TestNodes.WAIT;
import static dev.runnel.sharding.TestNodes.append;
import static dev.runnel.sharding.TestNodes.batch;
import static dev.runnel.sharding.TestNodes.createTopic;
import static dev.runnel.sharding.TestNodes.read;
import static dev.runnel.sharding.TestNodes.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.cluster.typed.Cluster;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.persistence.record.Record;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes in one JVM on different ports; the second joins the first as its seed node. */
class RunnelNodeClusterTest {

  @TempDir static Path dir;
  private static RunnelNode first;
  private static RunnelNode second;

  @BeforeAll
  static void start() {
    first = TestNodes.start(dir.resolve("first"));
    TestNodes.awaitMembersUp(first, 1);
    String seed = Cluster.get(first.system()).selfMember().address().toString();
    second =
        TestNodes.start(dir.resolve("second"), "runnel.cluster.seed-nodes = [\"" + seed + "\"]");
    TestNodes.awaitMembersUp(second, 2);
    TestNodes.awaitMembersUp(first, 2);
  }

  @AfterAll
  static void stop() {
    try (RunnelNode closedLast = first) {
      second.close();
    }
  }

  @Test
  void shouldShowATopicCreatedOnOneNodeInTheOtherNodesCache() {
    TopicMetadata created = createTopic(second, "everywhere", 6);

    assertEquals(created, TestNodes.await(first.topics().await("everywhere", m -> true, WAIT)));
    assertEquals(first.topics().all(), second.topics().all());
  }

  @Test
  void shouldReadOnOneNodeWhatWasAppendedThroughTheOther() {
    createTopic(second, "shared", 2);
    TestNodes.await(first.topics().await("shared", m -> true, WAIT));
    TopicPartition tp = new TopicPartition("shared", 0);

    append(second, tp, batch("from-second"));

    List<Record> records = read(first, tp, 0, 1);
    assertEquals("value-of-from-second", text(records.get(0).value()));
  }

  @Test
  void shouldShowBothMembersAndTheNodeEveryUsedPartitionRunsOn() {
    createTopic(first, "placed", 4);
    TestNodes.await(second.topics().await("placed", m -> true, WAIT));
    append(second, new TopicPartition("placed", 0), batch("a"));
    append(second, new TopicPartition("placed", 1), batch("b"));

    ClusterStatus status = TestNodes.await(first.clusterStatus());

    String firstAddress = Cluster.get(first.system()).selfMember().address().toString();
    String secondAddress = Cluster.get(second.system()).selfMember().address().toString();
    assertEquals(firstAddress, status.self());
    assertEquals(ClusterStatus.Health.SERVING, status.health());
    assertEquals(Optional.of(firstAddress), status.oldest());
    assertEquals(
        List.of(firstAddress, secondAddress),
        status.nodes().stream().map(ClusterStatus.NodeStatus::address).toList());
    Set<String> running = new HashSet<>();
    for (ClusterStatus.NodeStatus node : status.nodes()) {
      assertEquals("Up", node.status());
      assertTrue(node.reachable());
      assertTrue(node.shardsAnswered());
      RunnelNode member = node.address().equals(firstAddress) ? first : second;
      Set<String> here = TestNodes.runningPartitions(member);
      assertTrue(node.partitions().containsAll(here), node + " runs " + here);
      running.addAll(here);
    }
    assertTrue(running.containsAll(Set.of("placed-0", "placed-1")), running.toString());
    List<String> placed =
        status.nodes().stream().flatMap(node -> node.partitions().stream()).toList();
    assertTrue(
        status.unplacedPartitions().stream().noneMatch(placed::contains),
        "a partition is either placed or not: " + status);
  }
}
