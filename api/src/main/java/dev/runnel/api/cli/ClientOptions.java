package dev.runnel.api.cli;

import akka.actor.ActorSystem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.api.grpc.v1.ClusterServiceClient;
import dev.runnel.api.grpc.v1.DescribeTopicRequest;
import dev.runnel.api.grpc.v1.ListOffsetsRequest;
import dev.runnel.api.grpc.v1.PartitionOffset;
import dev.runnel.api.grpc.v1.PartitionOffsetRequest;
import dev.runnel.api.grpc.v1.RunnelServiceClient;
import dev.runnel.api.remote.RemoteConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import picocli.CommandLine.Option;

/** How a client command reaches the server: the options every such command shares. */
final class ClientOptions {

  @Option(
      names = "--server",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:RUNNEL_SERVER:-127.0.0.1:7770}",
      description = "The server's gRPC address (env RUNNEL_SERVER; default: ${DEFAULT-VALUE}).")
  String server;

  @Option(names = "--tls", description = "Connect with TLS, trusting the JDK's authorities.")
  boolean tls;

  @Option(
      names = "--ca-cert",
      paramLabel = "FILE",
      description = "Connect with TLS, trusting the PEM certificates in FILE.")
  Path caCert;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description = "How long a request waits for its answer (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  /** A connection to the server; close it when done. */
  Session connect() {
    Config settings =
        ConfigFactory.parseMap(
                Map.of(
                    "runnel.client.server",
                    server,
                    "runnel.client.tls.enabled",
                    tls,
                    "runnel.client.tls.ca-certificates",
                    caCert == null ? "" : caCert.toString(),
                    "runnel.client.request-timeout",
                    timeout().toMillis() + "ms"))
            .withFallback(
                ConfigFactory.parseString(
                    // The consume command commits on SIGINT/SIGTERM in a shutdown hook of its
                    // own; Akka's hook would stop the client under it.
                    "akka.coordinated-shutdown.run-by-jvm-shutdown-hook = off\n"
                        + "akka.loglevel = WARNING\n"
                        + "akka.stdout-loglevel = OFF\n"
                        + "akka.log-dead-letters = off\n"
                        + "akka.loggers = [\"akka.event.slf4j.Slf4jLogger\"]\n"
                        + "akka.logging-filter = \"akka.event.slf4j.Slf4jLoggingFilter\""));
    try {
      return new Session(RemoteConnection.open(settings), timeout());
    } catch (RunnelException e) {
      if (e.code() == ErrorCode.INVALID_CONFIG) {
        // a bad --server or --ca-cert is a usage error of this command
        throw new IllegalArgumentException("Bad --server or --ca-cert: " + e.getMessage(), e);
      }
      throw e;
    }
  }

  Duration timeout() {
    return Duration.ofSeconds(timeoutSeconds);
  }

  /** The connection to the server, and how long a request waits for its answer. */
  record Session(RemoteConnection connection, Duration timeout) implements AutoCloseable {

    /** The client of the server's Runnel service. */
    RunnelServiceClient client() {
      return connection.client();
    }

    /** The client of the server's cluster service. */
    ClusterServiceClient cluster() {
      return connection.cluster();
    }

    /** The actor system the clients and the command's streams run on. */
    ActorSystem system() {
      return connection.system().classicSystem();
    }

    /** The answer of a request, waiting at most the timeout. */
    <T> T await(CompletionStage<T> answer) throws Exception {
      return await(answer, timeout);
    }

    /** The outcome of a stage, waiting at most {@code limit}; its failure as it is. */
    <T> T await(CompletionStage<T> answer, Duration limit) throws Exception {
      try {
        return answer.toCompletableFuture().get(limit.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      } catch (TimeoutException e) {
        throw new io.grpc.StatusRuntimeException(
            io.grpc.Status.DEADLINE_EXCEEDED.withDescription(
                "No answer within --timeout " + limit.toSeconds() + "s"));
      }
    }

    /** {@code partition} alone, or every partition of the topic when it is null. */
    List<Integer> partitions(String topic, Integer partition) throws Exception {
      if (partition != null) {
        return List.of(partition);
      }
      int count =
          await(client().describeTopic(DescribeTopicRequest.newBuilder().setName(topic).build()))
              .getPartitions();
      List<Integer> all = new ArrayList<>(count);
      for (int p = 0; p < count; p++) {
        all.add(p);
      }
      return all;
    }

    /** The offsets {@code request} asks for in each of the topic's {@code partitions}, in order. */
    List<PartitionOffset> listOffsets(
        String topic, List<Integer> partitions, IntFunction<PartitionOffsetRequest.Builder> request)
        throws Exception {
      ListOffsetsRequest.Builder all = ListOffsetsRequest.newBuilder().setTopic(topic);
      partitions.forEach(p -> all.addPartitions(request.apply(p).setPartition(p)));
      return await(client().listOffsets(all.build())).getOffsetsList();
    }

    @Override
    public void close() {
      try {
        connection.close();
      } catch (RuntimeException ignored) {
        // the command's outcome is decided; a client that does not close cleanly changes nothing
      }
    }
  }
}
