package dev.runnel.multinode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.api.grpc.v1.ClusterMember;
import dev.runnel.api.grpc.v1.ClusterStatusResponse;
import dev.runnel.api.grpc.v1.TopicPartition;
import dev.runnel.sharding.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes; an idempotent acks=all producer writes without pause while the node that runs the
 * shard coordinator and the topic registry (the oldest) is killed with SIGKILL.
 */
class NodeKillTest {

  @RegisterExtension static final TestPostgres POSTGRES = new TestPostgres();
  @RegisterExtension final NodeClusters clusters = new NodeClusters(POSTGRES);

  /** The bound the test holds failover to on a busy machine (the defaults aim at under 10 s). */
  static final Duration FAILOVER_BOUND = Duration.ofSeconds(25);

  private static final String TOPIC = "orders";
  private static final int PARTITIONS = 6;

  @TempDir Path dir;
  private NodeCluster cluster;

  @Test
  void shouldServeTheDeadNodesPartitionsAgainAndLoseNoAcknowledgedRecord() throws Exception {
    cluster = clusters.start(dir, 3, Map.of());
    cluster.createTopic(TOPIC, PARTITIONS);
    ContinuousProducer producer = ContinuousProducer.start(cluster, TOPIC, PARTITIONS, 10);
    producer.awaitMoreBatches(20, Duration.ofSeconds(60));

    ClusterStatusResponse before = cluster.status(1);
    int victim = cluster.indexOf(before.getOldest());
    List<Integer> moved = partitionsOf(before, cluster.address(victim));
    assertFalse(moved.isEmpty(), "the victim runs partitions: " + before);
    long killed = System.nanoTime();
    cluster.kill(victim);

    Map<Integer, Long> failoverMillis = new TreeMap<>();
    cluster.awaitUntil(
        "the dead node's partitions " + moved + " acknowledge again",
        Duration.ofSeconds(60),
        () -> moved.stream().allMatch(p -> producer.firstAckSentAfter(p, killed).isPresent()));
    for (int p : moved) {
      failoverMillis.put(
          p, (producer.firstAckSentAfter(p, killed).get().nanos() - killed) / 1_000_000);
    }
    producer.awaitMoreBatches(20, Duration.ofSeconds(60));
    producer.stop(Duration.ofSeconds(60));

    assertEquals(List.of(), producer.errors());
    LogCheck.assertExactlyOnceInOrder(cluster, TOPIC, PARTITIONS, producer);
    Duration longest =
        Duration.ofMillis(failoverMillis.values().stream().max(Long::compare).orElseThrow());
    System.out.printf(
        "Failover after SIGKILL of the oldest node: longest=%d ms, per partition (ms)=%s,"
            + " records=%d%n",
        longest.toMillis(), failoverMillis, producer.records());
    assertTrue(
        longest.compareTo(FAILOVER_BOUND) < 0,
        "failover (ms) " + failoverMillis + " over " + FAILOVER_BOUND);
    int survivor = (victim + 1) % 3;
    cluster.awaitUntil(
        "the dead node removed",
        Duration.ofSeconds(30),
        () -> cluster.status(survivor).getMembersCount() == 2);
  }

  /** The partitions of {@code topic} that the member at {@code address} hosts. */
  static List<Integer> partitionsOf(ClusterStatusResponse status, String address) {
    ClusterMember member =
        status.getMembersList().stream()
            .filter(m -> m.getAddress().equals(address))
            .findFirst()
            .orElseThrow(() -> new AssertionError("No member " + address + " in " + status));
    return member.getPartitionsList().stream()
        .filter(tp -> tp.getTopic().equals(TOPIC))
        .map(TopicPartition::getPartition)
        .toList();
  }
}
