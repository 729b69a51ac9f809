package dev.runnel.api;

import static dev.runnel.api.TestNode.assertFails;
import static dev.runnel.api.TestNode.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.group.GroupState;
import dev.runnel.actors.partition.OffsetSpec;
import dev.runnel.api.admin.ConsumerGroupListing;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.remote.RemoteTestServer;
import dev.runnel.sharding.ClusterStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin of a remote client: {@link AdminTest}'s tests run unchanged against a server in this
 * JVM, and the remote answers equal what the server's own (embedded) admin answers.
 */
class RemoteAdminTest extends AdminTest {

  @TempDir static Path serverDir;
  private static RemoteTestServer server;

  /** Hides {@link AdminTest#startNode}: the tests get a remote client's admin. */
  @BeforeAll
  static void startNode() {
    server = RemoteTestServer.start(serverDir);
    runnel = server.client();
    admin = runnel.admin();
  }

  @AfterAll
  static void stopNode() {
    if (server != null) {
      server.close();
    }
  }

  private static RunnelAdmin serverAdmin() {
    return server.node().admin();
  }

  @Test
  void shouldAnswerWhatTheServersOwnAdminAnswers() {
    result(
        admin.createTopic(new NewTopic("remote-same", 3).withConfig("cleanup.policy", "compact")));
    assertEquals(
        result(serverAdmin().describeTopic("remote-same")),
        result(admin.describeTopic("remote-same")));
    assertEquals(result(serverAdmin().listTopics()), result(admin.listTopics()));
    TopicPartition tp = new TopicPartition("remote-same", 2);
    assertEquals(
        result(serverAdmin().listOffsets(tp, OffsetSpec.latest())),
        result(admin.listOffsets(tp, OffsetSpec.latest())));

    ClusterStatus status = result(admin.clusterStatus());
    ClusterStatus local = result(serverAdmin().clusterStatus());
    assertEquals(local.self(), status.self());
    assertEquals(ClusterStatus.Health.SERVING, status.health());
    assertEquals(local.oldest(), status.oldest());
    assertEquals(
        local.nodes().stream().map(ClusterStatus.NodeStatus::address).toList(),
        status.nodes().stream().map(ClusterStatus.NodeStatus::address).toList());
  }

  @Test
  void shouldAdministerConsumerGroups() {
    result(admin.createTopic(new NewTopic("remote-groups", 2)));
    TopicPartition first = new TopicPartition("remote-groups", 0);
    TopicPartition second = new TopicPartition("remote-groups", 1);

    assertEquals(
        Map.of(first, 0L, second, 0L),
        result(admin.alterConsumerGroupOffsets("remote-g", Map.of(first, 0L, second, 0L))));
    assertEquals(
        result(serverAdmin().listConsumerGroupOffsets("remote-g")),
        result(admin.listConsumerGroupOffsets("remote-g")));
    assertEquals(2, result(admin.listConsumerGroupOffsets("remote-g")).size());
    assertEquals(
        result(serverAdmin().describeConsumerGroup("remote-g")),
        result(admin.describeConsumerGroup("remote-g")));
    assertTrue(
        result(admin.listConsumerGroups())
            .contains(new ConsumerGroupListing("remote-g", GroupState.EMPTY)));
    assertEquals(
        Map.of(first, 0L),
        result(admin.resetConsumerGroupOffsets("remote-g", Map.of(first, OffsetSpec.latest()))));

    result(admin.deleteConsumerGroup("remote-g"));
    assertFails(ErrorCode.GROUP_ID_NOT_FOUND, admin.deleteConsumerGroup("remote-g"));
    assertFails(ErrorCode.INVALID_GROUP_ID, admin.describeConsumerGroup("bad group"));
    assertFails(
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        admin.alterConsumerGroupOffsets(
            "remote-g", Map.of(new TopicPartition("remote-groups", 7), 0L)));
  }

  @Test
  void shouldFailNotAvailableWithoutAServerAndWorkOnceItIsThere() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (Runnel nowhere = Runnel.connect("127.0.0.1:" + port)) {
      RunnelException refused = assertFails(ErrorCode.NOT_AVAILABLE, nowhere.admin().listTopics());
      assertTrue(refused.retriable());
    }
    result(admin.createTopic(new NewTopic("remote-restart", 1)));
    server.restart();
    assertEquals(1, result(admin.describeTopic("remote-restart")).partitionCount());
  }
}
