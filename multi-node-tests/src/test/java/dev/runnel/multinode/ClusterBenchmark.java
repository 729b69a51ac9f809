package dev.runnel.multinode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runnel.api.grpc.v1.ClusterStatusResponse;
import dev.runnel.sharding.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster benchmark of docs/benchmarks.md: three node JVMs on one PostgreSQL; produce and
 * consume throughput through one node and through all three, and failover time (SIGKILL to the
 * first acknowledged append on each of the dead node's partitions) with the default settings and
 * with the fast ones of docs/operations.md. Not part of the build (tag {@value #TAG}); run with
 *
 * <pre>
 * mvn -B -q -pl multi-node-tests -am verify -Dgroups=benchmark -DexcludedGroups= \
 *     -Dtest=ClusterBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * and read the figures in {@code
 * multi-node-tests/target/surefire-reports/*ClusterBenchmark-output.txt}.
 */
@Tag(ClusterBenchmark.TAG)
class ClusterBenchmark {

  static final String TAG = "benchmark";

  @RegisterExtension static final TestPostgres POSTGRES = new TestPostgres();
  @RegisterExtension final NodeClusters clusters = new NodeClusters(POSTGRES);

  /** The settings of docs/operations.md that bring failover under 5 s. */
  static final Map<String, String> FAST =
      Map.of(
          "runnel.cluster.failure-detector.heartbeat-interval", "300ms",
          "runnel.cluster.failure-detector.acceptable-heartbeat-pause", "1s",
          "runnel.cluster.split-brain-resolver.stable-after", "500ms",
          "runnel.cluster.down-removal-margin", "300ms",
          "runnel.sharding.retry-interval", "200ms");

  private static final int PARTITIONS = 12;
  private static final int RECORDS_PER_BATCH = 100;
  private static final int VALUE_BYTES = 100;
  private static final Duration RUN = Duration.ofSeconds(20);

  @TempDir Path dir;
  private NodeCluster cluster;

  @Test
  void throughput() throws Exception {
    cluster = clusters.start(dir, 3, Map.of());
    produceAndConsume("one", OptionalInt.of(0));
    produceAndConsume("three", OptionalInt.empty());
  }

  @Test
  void failoverWithDefaults() throws Exception {
    cluster = clusters.start(dir.resolve("defaults"), 3, Map.of());
    failovers("defaults");
  }

  @Test
  void failoverWithFastSettings() throws Exception {
    cluster = clusters.start(dir.resolve("fast"), 3, FAST);
    failovers("fast");
  }

  private void produceAndConsume(String nodes, OptionalInt via) {
    String topic = "throughput-" + nodes;
    cluster.createTopic(topic, PARTITIONS);
    ContinuousProducer producer =
        ContinuousProducer.start(cluster, topic, PARTITIONS, RECORDS_PER_BATCH, VALUE_BYTES, via);
    producer.awaitMoreBatches(5, Duration.ofSeconds(60));
    long records = producer.records();
    long start = System.nanoTime();
    cluster.awaitUntil(
        "the run's end", RUN.plusSeconds(5), () -> System.nanoTime() - start > RUN.toNanos());
    long produced = producer.records() - records;
    double seconds = (System.nanoTime() - start) / 1e9;
    producer.stop(Duration.ofSeconds(60));
    assertEquals(List.of(), producer.errors());

    long total = producer.records();
    long readStart = System.nanoTime();
    List<CompletableFuture<Integer>> reads = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      int partition = p;
      int node = via.orElse(p % 3);
      reads.add(
          CompletableFuture.supplyAsync(
              () ->
                  LogCheck.values(cluster, cluster.client(node).orElseThrow(), topic, partition)
                      .size(),
              cluster.executor()));
    }
    long read = reads.stream().mapToLong(CompletableFuture::join).sum();
    double readSeconds = (System.nanoTime() - readStart) / 1e9;
    assertEquals(total, read);
    System.out.printf(
        "Throughput through %s node(s): produce %.0f records/s (%.1f MB/s of values), consume %.0f"
            + " records/s (%d records)%n",
        nodes,
        produced / seconds,
        produced * VALUE_BYTES / seconds / 1e6,
        read / readSeconds,
        read);
  }

  /** Kills a node that is not the oldest, restarts it, then kills the oldest. */
  private void failovers(String settings) throws Exception {
    String topic = "failover-" + settings;
    cluster.createTopic(topic, PARTITIONS);
    ContinuousProducer producer = ContinuousProducer.start(cluster, topic, PARTITIONS, 10);
    producer.awaitMoreBatches(10, Duration.ofSeconds(60));
    ClusterStatusResponse status = cluster.status(0);
    int oldest = cluster.indexOf(status.getOldest());
    int other = (oldest + 1) % 3;
    failover(settings, "a younger node", producer, other, topic);
    cluster.restart(other);
    cluster.awaitUntil(
        "three members Up",
        Duration.ofSeconds(60),
        () -> RollingRestartTest.allUp(cluster.status(other), 3));
    producer.awaitMoreBatches(10, Duration.ofSeconds(60));
    failover(settings, "the oldest node", producer, oldest, topic);
    producer.stop(Duration.ofSeconds(60));
    assertEquals(List.of(), producer.errors());
    LogCheck.assertExactlyOnceInOrder(cluster, topic, PARTITIONS, producer);
  }

  private void failover(
      String settings, String which, ContinuousProducer producer, int victim, String topic)
      throws InterruptedException {
    int observer = (victim + 2) % 3;
    List<Integer> moved = partitionsOn(cluster.status(observer), cluster.address(victim), topic);
    long killed = System.nanoTime();
    cluster.kill(victim);
    cluster.awaitUntil(
        "partitions " + moved + " acknowledge again",
        Duration.ofSeconds(90),
        () -> moved.stream().allMatch(p -> producer.firstAckSentAfter(p, killed).isPresent()));
    Map<Integer, Long> millis = new TreeMap<>();
    for (int p : moved) {
      millis.put(p, (producer.firstAckSentAfter(p, killed).get().nanos() - killed) / 1_000_000);
    }
    System.out.printf(
        "Failover (%s settings) after SIGKILL of %s: longest=%d ms, per partition (ms)=%s%n",
        settings, which, millis.values().stream().max(Long::compare).orElse(-1L), millis);
  }

  private static List<Integer> partitionsOn(
      ClusterStatusResponse status, String address, String topic) {
    return status.getMembersList().stream()
        .filter(m -> m.getAddress().equals(address))
        .flatMap(m -> m.getPartitionsList().stream())
        .filter(tp -> tp.getTopic().equals(topic))
        .map(tp -> tp.getPartition())
        .toList();
  }
}
