package dev.runnel.api.remote;

import static dev.runnel.api.TestNode.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.api.Runnel;
import dev.runnel.api.grpc.v1.CreateTopicRequest;
import dev.runnel.api.grpc.v1.DescribeTopicRequest;
import io.grpc.Status;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteErrorsTest {

  @TempDir static Path dataDir;

  private static RemoteTestServer server;
  private static Runnel client;

  @BeforeAll
  static void start() {
    server = RemoteTestServer.start(dataDir);
    client = server.client();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static Executor executor() {
    return client.system().executionContext();
  }

  @Test
  void shouldRaiseTheErrorCodeTheServerNamed() {
    RunnelException unknown =
        assertFails(
            ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            RemoteErrors.onExecutor(
                client
                    .remote()
                    .client()
                    .describeTopic(DescribeTopicRequest.newBuilder().setName("missing").build()),
                executor(),
                "request=describeTopic"));
    assertTrue(unknown.getMessage().contains("missing"), unknown.getMessage());
    assertEquals(
        "UNKNOWN_TOPIC_OR_PARTITION: " + unknown.detail(), unknown.getMessage(), "no doubled code");
    assertFails(
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        RemoteErrors.onExecutor(
            client
                .remote()
                .client()
                .createTopic(CreateTopicRequest.newBuilder().setName("no/slash").build()),
            executor(),
            "request=createTopic"));
  }

  @Test
  void shouldCallAServerThatCannotBeReachedNotAvailable() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (Runnel nowhere = Runnel.connect("127.0.0.1:" + closedPort)) {
      RunnelException refused =
          assertFails(
              ErrorCode.NOT_AVAILABLE,
              RemoteErrors.onExecutor(
                  nowhere
                      .remote()
                      .client()
                      .describeTopic(DescribeTopicRequest.newBuilder().setName("t").build()),
                  nowhere.system().executionContext(),
                  "request=describeTopic, topic=t"));
      assertTrue(refused.retriable());
      assertTrue(refused.getMessage().contains("topic=t"), refused.getMessage());
    }
  }

  @Test
  void shouldTimeOutAnUnansweredCall() {
    RunnelException late =
        assertFails(
            ErrorCode.REQUEST_TIMED_OUT,
            RemoteErrors.onExecutor(
                new CompletableFuture<String>(),
                Duration.ofMillis(50),
                executor(),
                "request=listTopics"));
    assertTrue(late.getMessage().contains("request=listTopics"), late.getMessage());
  }

  @Test
  void shouldNameStatusesWithoutARunnelErrorByWhatACallerCanDo() {
    assertEquals(
        ErrorCode.NOT_AVAILABLE,
        RemoteErrors.toRunnelException(Status.UNAVAILABLE.asRuntimeException(), "r").code());
    assertEquals(
        ErrorCode.REQUEST_TIMED_OUT,
        RemoteErrors.toRunnelException(Status.DEADLINE_EXCEEDED.asRuntimeException(), "r").code());
    assertEquals(
        ErrorCode.INVALID_REQUEST,
        RemoteErrors.toRunnelException(Status.UNIMPLEMENTED.asRuntimeException(), "r").code());
  }
}
