package dev.runnel.multinode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.stream.javadsl.Sink;
import dev.runnel.api.grpc.v1.ConsumeRequest;
import dev.runnel.api.grpc.v1.ConsumerRecord;
import dev.runnel.api.grpc.v1.RunnelServiceClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads partitions back through the cluster and compares them with what was acknowledged. */
final class LogCheck {

  private LogCheck() {}

  /** The values of partition {@code p} from offset 0 to its end, read through {@code client}. */
  static List<String> values(NodeCluster cluster, RunnelServiceClient client, String topic, int p) {
    ConsumeRequest request =
        ConsumeRequest.newBuilder()
            .setTopic(topic)
            .setPartition(p)
            .setOffset(0)
            .setFollow(false)
            .build();
    List<String> values = new ArrayList<>();
    long expectedOffset = 0;
    for (var response :
        NodeCluster.await(client.consume(request).runWith(Sink.seq(), cluster.clientSystem()))) {
      for (ConsumerRecord record : response.getRecordsList()) {
        assertEquals(expectedOffset++, record.getOffset(), "offsets of partition " + p);
        values.add(record.getValue().toString(StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  /**
   * Asserts that every partition holds exactly what the producer had acknowledged, each record
   * once, in the order written: nothing acknowledged is lost, nothing is written twice. Each
   * partition is read through another running node.
   */
  static void assertExactlyOnceInOrder(
      NodeCluster cluster, String topic, int partitions, ContinuousProducer producer) {
    List<Integer> running = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      if (cluster.running(i)) {
        running.add(i);
      }
    }
    for (int p = 0; p < partitions; p++) {
      int node = running.get(p % running.size());
      List<String> acknowledged = producer.acknowledged(p);
      List<String> stored = values(cluster, cluster.client(node).orElseThrow(), topic, p);
      if (!acknowledged.equals(stored)) {
        throw new AssertionError(
            "Partition "
                + p
                + " differs from what was acknowledged: acknowledged="
                + acknowledged.size()
                + ", stored="
                + stored.size()
                + ", firstDifference="
                + firstDifference(acknowledged, stored));
      }
    }
  }

  private static String firstDifference(List<String> expected, List<String> actual) {
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      if (!expected.get(i).equals(actual.get(i))) {
        return "index " + i + ": acknowledged " + expected.get(i) + ", stored " + actual.get(i);
      }
    }
    return "index " + Math.min(expected.size(), actual.size()) + " (one list ends)";
  }
}
