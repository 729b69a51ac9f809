package dev.runnel.multinode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.runnel.api.grpc.v1.ClusterMember;
import dev.runnel.api.grpc.v1.ClusterStatusResponse;
import dev.runnel.api.grpc.v1.ProduceRequest;
import dev.runnel.api.grpc.v1.ProducerRecord;
import dev.runnel.api.grpc.v1.TopicPartition;
import dev.runnel.sharding.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
  private static final String PROBE = "probe";
  private static final int PROBE_PARTITIONS = 24;
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
    // Partitions run (and show in the status) once used: one record each, so that some of them
    // (24 over three nodes) run on the victim.
    cluster.createTopic(PROBE, PROBE_PARTITIONS);
    for (int p = 0; p < PROBE_PARTITIONS; p++) {
      ProduceRequest first = probeRecord(p);
      // until every node's metadata has the new topic
      cluster.awaitUntil(
          "probe partition " + p + " takes a record",
          Duration.ofSeconds(30),
          () ->
              cluster
                  .anyClient()
                  .produce(first)
                  .handle((answer, failure) -> failure == null)
                  .toCompletableFuture()
                  .join());
    }
    List<Integer> onVictim = partitionsOf(cluster.status(1), cluster.address(victim), PROBE);
    assertFalse(onVictim.isEmpty(), "a probe partition on the victim");
    long killed = System.nanoTime();
    cluster.kill(victim);
    // One request with no deadline of its own, sent through a survivor just after the kill: it
    // reaches the dead node and is lost, and must not wait out the server's 30 s request timeout.
    CompletableFuture<Long> probeAnswered =
        cluster
            .client((victim + 1) % 3)
            .orElseThrow()
            .produce(probeRecord(onVictim.get(0)))
            .handle((answer, failure) -> System.nanoTime())
            .toCompletableFuture();

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
    Duration probe = Duration.ofNanos(probeAnswered.get(60, TimeUnit.SECONDS) - killed);
    System.out.printf("A request lost with the dead node answered after %d ms%n", probe.toMillis());
    assertTrue(
        probe.compareTo(FAILOVER_BOUND) < 0,
        "the lost request answered after " + probe + ", not within " + FAILOVER_BOUND);
    int survivor = (victim + 1) % 3;
    cluster.awaitUntil(
        "the dead node removed",
        Duration.ofSeconds(30),
        () -> cluster.status(survivor).getMembersCount() == 2);
  }

  private static ProduceRequest probeRecord(int partition) {
    return ProduceRequest.newBuilder()
        .setTopic(PROBE)
        .setPartition(partition)
        .addRecords(ProducerRecord.newBuilder().setValue(ByteString.copyFromUtf8("probe")))
        .build();
  }

  /** The partitions of the test's topic that the member at {@code address} hosts. */
  static List<Integer> partitionsOf(ClusterStatusResponse status, String address) {
    return partitionsOf(status, address, TOPIC);
  }

  /** The partitions of {@code topic} that the member at {@code address} hosts. */
  static List<Integer> partitionsOf(ClusterStatusResponse status, String address, String topic) {
    ClusterMember member =
        status.getMembersList().stream()
            .filter(m -> m.getAddress().equals(address))
            .findFirst()
            .orElseThrow(() -> new AssertionError("No member " + address + " in " + status));
    return member.getPartitionsList().stream()
        .filter(tp -> tp.getTopic().equals(topic))
        .map(TopicPartition::getPartition)
        .toList();
  }
}
