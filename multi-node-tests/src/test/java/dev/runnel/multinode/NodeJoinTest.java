package dev.runnel.multinode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runnel.api.grpc.v1.ClusterMember;
import dev.runnel.api.grpc.v1.ClusterStatusResponse;
import dev.runnel.sharding.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A fourth node joins three under load and the partitions' shards spread evenly onto it. */
class NodeJoinTest {

  @RegisterExtension static final TestPostgres POSTGRES = new TestPostgres();
  @RegisterExtension final NodeClusters clusters = new NodeClusters(POSTGRES);

  private static final String TOPIC = "clicks";
  private static final int PARTITIONS = 12;

  @TempDir Path dir;
  private NodeCluster cluster;

  @Test
  void shouldMovePartitionsToAJoiningNodeUntilShardsAreEven() throws Exception {
    cluster = clusters.start(dir, 3, Map.of());
    cluster.createTopic(TOPIC, PARTITIONS);
    ContinuousProducer producer = ContinuousProducer.start(cluster, TOPIC, PARTITIONS, 10);
    producer.awaitMoreBatches(10, Duration.ofSeconds(60));

    long joined = System.nanoTime();
    int added = cluster.add();
    AtomicReference<ClusterStatusResponse> last = new AtomicReference<>();
    cluster.awaitUntil(
        "the shards spread evenly over four nodes, " + last,
        Duration.ofSeconds(90),
        () -> {
          ClusterStatusResponse status = cluster.status(added);
          last.set(status);
          return RollingRestartTest.allUp(status, 4) && even(status);
        });
    long balanced = System.nanoTime();
    producer.awaitMoreBatches(10, Duration.ofSeconds(60));
    producer.stop(Duration.ofSeconds(60));

    assertEquals(List.of(), producer.errors());
    LogCheck.assertExactlyOnceInOrder(cluster, TOPIC, PARTITIONS, producer);
    ClusterMember newcomer = last.get().getMembers(3);
    assertEquals(cluster.address(added), newcomer.getAddress(), "the youngest is listed last");
    System.out.printf(
        "Fourth node: shards even %d ms after its start, partitions on it=%d, shards per node=%s%n",
        (balanced - joined) / 1_000_000,
        newcomer.getPartitionsCount(),
        last.get().getMembersList().stream().map(ClusterMember::getShards).toList());
  }

  /** Every member answered, and shard counts differ by one at most, the newest having some. */
  private static boolean even(ClusterStatusResponse status) {
    List<ClusterMember> members = status.getMembersList();
    if (!members.stream().allMatch(ClusterMember::getShardsAnswered)) {
      return false;
    }
    int most = members.stream().mapToInt(ClusterMember::getShards).max().orElse(0);
    int fewest = members.stream().mapToInt(ClusterMember::getShards).min().orElse(0);
    return fewest > 0 && most - fewest <= 1;
  }
}
