package dev.runnel.api.grpc;

import static dev.runnel.api.TestNode.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.cli.RunnelCli;
import dev.runnel.api.grpc.v1.ClusterMember;
import dev.runnel.api.grpc.v1.ClusterServiceClient;
import dev.runnel.api.grpc.v1.ClusterStatusRequest;
import dev.runnel.api.grpc.v1.ClusterStatusResponse;
import dev.runnel.api.grpc.v1.NodeHealth;
import dev.runnel.api.remote.RemoteConnection;
import dev.runnel.api.remote.RemoteTestServer;
import dev.runnel.sharding.ClusterStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster status through the admin API, the gRPC ClusterService and the command line. */
class ClusterServiceTest {

  @TempDir static Path dataDir;

  private static RemoteTestServer server;
  private static RemoteConnection connection;
  private static ClusterServiceClient client;

  @BeforeAll
  static void start() {
    server = RemoteTestServer.start(dataDir);
    result(server.node().admin().createTopic(new NewTopic("status", 3)));
    connection = RemoteConnection.open(server.clientConfig());
    client = connection.cluster();
  }

  @AfterAll
  static void stop() {
    if (connection != null) {
      connection.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void shouldShowTheNodeServingAloneWithItsUnusedPartitionsUnplaced() {
    ClusterStatus status = result(server.node().admin().clusterStatus());
    ClusterStatusResponse response = result(client.clusterStatus(request()));

    String self = server.node().system().address().toString();
    assertEquals(self, status.self());
    assertEquals(ClusterStatus.Health.SERVING, status.health());
    assertEquals(self, response.getSelf());
    assertEquals(NodeHealth.NODE_HEALTH_SERVING, response.getHealth());
    assertEquals(self, response.getLeader());
    assertEquals(self, response.getOldest());
    assertEquals(1, response.getMembersCount());
    ClusterMember member = response.getMembers(0);
    assertEquals(self, member.getAddress());
    assertEquals("Up", member.getStatus());
    assertTrue(member.getReachable());
    assertTrue(member.getShardsAnswered());
    assertEquals(
        member.getPartitionsCount() + response.getUnplacedPartitionsCount(),
        3,
        response.toString());
  }

  @Test
  void shouldPrintTheStatusOnTheCommandLine() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        RunnelCli.execute(
            new String[] {"cluster", "status", "--server=127.0.0.1:" + server.port()},
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, printed + err.toString(StandardCharsets.UTF_8));
    String self = server.node().system().address().toString();
    assertTrue(printed.startsWith("node=" + self + " health=SERVING leader=" + self), printed);
    assertTrue(
        printed.contains("  member=" + self + " status=Up reachable=true roles=dc-default shards="),
        printed);
    assertTrue(printed.contains("  unplaced partitions=status-"), printed);
  }

  private static ClusterStatusRequest request() {
    return ClusterStatusRequest.getDefaultInstance();
  }
}
