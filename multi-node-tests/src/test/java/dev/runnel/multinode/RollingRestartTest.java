package dev.runnel.multinode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runnel.api.grpc.v1.ClusterMember;
import dev.runnel.api.grpc.v1.ClusterStatusResponse;
import dev.runnel.sharding.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes restarted one after the other (SIGTERM, then a new process at the same address) while
 * an idempotent acks=all producer writes without pause.
 */
class RollingRestartTest {

  @RegisterExtension static final TestPostgres POSTGRES = new TestPostgres();
  @RegisterExtension final NodeClusters clusters = new NodeClusters(POSTGRES);

  private static final String TOPIC = "events";
  private static final int PARTITIONS = 6;

  @TempDir Path dir;
  private NodeCluster cluster;

  @Test
  void shouldLoseNoAcknowledgedRecordWhileEveryNodeRestartsInTurn() throws Exception {
    cluster = clusters.start(dir, 3, Map.of());
    cluster.createTopic(TOPIC, PARTITIONS);
    ContinuousProducer producer = ContinuousProducer.start(cluster, TOPIC, PARTITIONS, 10);
    producer.awaitMoreBatches(20, Duration.ofSeconds(60));

    for (int node = 0; node < 3; node++) {
      cluster.stop(node);
      cluster.restart(node);
      int restarted = node;
      cluster.awaitUntil(
          "node " + node + " back among three members Up",
          Duration.ofSeconds(60),
          () -> allUp(cluster.status(restarted), 3));
      producer.awaitMoreBatches(10, Duration.ofSeconds(60));
    }
    producer.stop(Duration.ofSeconds(60));

    assertEquals(List.of(), producer.errors());
    LogCheck.assertExactlyOnceInOrder(cluster, TOPIC, PARTITIONS, producer);
    System.out.printf(
        "Rolling restart of three nodes: longest pause of a partition=%d ms, records=%d%n",
        producer.longestGap().toMillis(), producer.records());
  }

  /** Whether the status shows {@code count} members, all Up and reachable. */
  static boolean allUp(ClusterStatusResponse status, int count) {
    List<ClusterMember> members = status.getMembersList();
    return members.size() == count
        && members.stream().allMatch(m -> m.getStatus().equals("Up") && m.getReachable());
  }
}
