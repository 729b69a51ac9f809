package dev.runnel.multinode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.japi.Pair;
import akka.stream.javadsl.Keep;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.runnel.api.Runnel;
import dev.runnel.api.consumer.AutoOffsetReset;
import dev.runnel.api.consumer.Committer;
import dev.runnel.api.consumer.CommitterSettings;
import dev.runnel.api.consumer.Consumer;
import dev.runnel.api.consumer.ConsumerSettings;
import dev.runnel.api.consumer.Subscriptions;
import dev.runnel.api.serialization.Serdes;
import dev.runnel.sharding.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer group of three members (committable sources with at-least-once commits) reads a topic
 * that an idempotent producer writes without pause, while one of the three server nodes is killed
 * with SIGKILL. The members run in this JVM on a node of its own that joins the cluster (the gRPC
 * API does not serve groups yet), so the kill takes partitions, and maybe the group's coordinator,
 * away from under them.
 */
class ConsumerGroupFailoverTest {

  @RegisterExtension static final TestPostgres POSTGRES = new TestPostgres();
  @RegisterExtension final NodeClusters clusters = new NodeClusters(POSTGRES);

  private static final String TOPIC = "payments";
  private static final int PARTITIONS = 6;
  private static final String GROUP = "billing";

  @TempDir Path dir;
  private NodeCluster cluster;
  private Runnel client;
  private final List<Consumer.Control> members = new ArrayList<>();

  @AfterEach
  void stop() {
    members.forEach(Consumer.Control::shutdown);
    if (client != null) {
      client.close();
    }
  }

  @Test
  void shouldConsumeEveryAcknowledgedRecordAtLeastOnceThroughANodeKill() throws Exception {
    cluster = clusters.start(dir, 3, Map.of());
    cluster.createTopic(TOPIC, PARTITIONS);
    client =
        Runnel.start(
            POSTGRES
                .nodeConfig()
                .withValue("runnel.data-dir", value(dir.resolve("client").toString()))
                .withValue("runnel.cluster.port", value(0))
                .withValue(
                    "runnel.cluster.seed-nodes",
                    ConfigValueFactory.fromIterable(
                        List.of(cluster.address(0), cluster.address(1), cluster.address(2))))
                .withFallback(ConfigFactory.load()));
    cluster.awaitUntil(
        "the client's node Up",
        Duration.ofSeconds(60),
        () -> Cluster.get(client.system()).selfMember().status() == MemberStatus.up());

    ContinuousProducer producer = ContinuousProducer.start(cluster, TOPIC, PARTITIONS, 10);
    List<Set<String>> received = new ArrayList<>();
    AtomicLong deliveries = new AtomicLong();
    for (int m = 0; m < 3; m++) {
      Set<String> values = ConcurrentHashMap.newKeySet();
      received.add(values);
      Pair<Consumer.Control, ?> running =
          Consumer.committableSource(settings(), Subscriptions.topics(TOPIC))
              .map(
                  message -> {
                    values.add(message.record().value());
                    deliveries.incrementAndGet();
                    return message.committableOffset();
                  })
              .toMat(Committer.sink(CommitterSettings.create(client)), Keep.both())
              .run(client.system());
      members.add(running.first());
    }
    cluster.awaitUntil(
        "every member consuming",
        Duration.ofSeconds(60),
        () -> received.stream().allMatch(values -> !values.isEmpty()));
    producer.awaitMoreBatches(10, Duration.ofSeconds(60));

    cluster.kill(2);
    producer.awaitMoreBatches(20, Duration.ofSeconds(90));
    producer.stop(Duration.ofSeconds(60));

    assertEquals(List.of(), producer.errors());
    Set<String> acknowledged = new HashSet<>();
    for (int p = 0; p < PARTITIONS; p++) {
      acknowledged.addAll(producer.acknowledged(p));
    }
    cluster.awaitUntil(
        "the group consumed every acknowledged record",
        Duration.ofSeconds(90),
        () -> {
          Set<String> missing = new HashSet<>(acknowledged);
          received.forEach(missing::removeAll);
          return missing.isEmpty();
        });
    System.out.printf(
        "Consumer group through a node kill: acknowledged=%d, delivered=%d (redelivered %d)%n",
        acknowledged.size(), deliveries.get(), deliveries.get() - acknowledged.size());
  }

  private ConsumerSettings<String, String> settings() {
    return ConsumerSettings.create(
            client, Serdes.String().deserializer(), Serdes.String().deserializer())
        .withGroupId(GROUP)
        .withAutoOffsetReset(AutoOffsetReset.EARLIEST)
        .withHeartbeatInterval(Duration.ofMillis(500))
        .withSessionTimeout(Duration.ofSeconds(10));
  }

  private static com.typesafe.config.ConfigValue value(Object value) {
    return ConfigValueFactory.fromAnyRef(value);
  }
}
