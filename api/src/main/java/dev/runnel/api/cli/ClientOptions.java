package dev.runnel.api.cli;

import akka.actor.ActorSystem;
import akka.grpc.GrpcClientSettings;
import com.typesafe.config.ConfigFactory;
import dev.runnel.api.grpc.Tls;
import dev.runnel.api.grpc.v1.ClusterServiceClient;
import dev.runnel.api.grpc.v1.DescribeTopicRequest;
import dev.runnel.api.grpc.v1.RunnelServiceClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    int colon = server.lastIndexOf(':');
    if (colon <= 0 || colon == server.length() - 1) {
      throw new IllegalArgumentException("Bad --server, expected HOST:PORT: " + server);
    }
    String host = server.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(server.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Bad --server, expected HOST:PORT: " + server, e);
    }
    ActorSystem system =
        ActorSystem.create(
            "runnel-cli",
            ConfigFactory.parseString(
                    "akka.loglevel = WARNING\n"
                        + "akka.stdout-loglevel = OFF\n"
                        + "akka.log-dead-letters = off\n"
                        + "akka.loggers = [\"akka.event.slf4j.Slf4jLogger\"]\n"
                        + "akka.logging-filter = \"akka.event.slf4j.Slf4jLoggingFilter\"")
                .withFallback(ConfigFactory.load()));
    GrpcClientSettings settings =
        GrpcClientSettings.connectToServiceAt(host, port, system).withTls(tls || caCert != null);
    if (caCert != null) {
      settings = settings.withTrustManager(Tls.trustManager(caCert));
    }
    return new Session(
        system,
        RunnelServiceClient.create(settings, system),
        ClusterServiceClient.create(settings, system),
        timeout());
  }

  Duration timeout() {
    return Duration.ofSeconds(timeoutSeconds);
  }

  /** The clients of the server's services and the actor system they run on. */
  record Session(
      ActorSystem system,
      RunnelServiceClient client,
      ClusterServiceClient cluster,
      Duration timeout)
      implements AutoCloseable {

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
          await(client.describeTopic(DescribeTopicRequest.newBuilder().setName(topic).build()))
              .getPartitions();
      List<Integer> all = new ArrayList<>(count);
      for (int p = 0; p < count; p++) {
        all.add(p);
      }
      return all;
    }

    @Override
    public void close() {
      try {
        client.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        cluster.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // the command's outcome is decided; a client that does not close cleanly changes nothing
      }
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // as above
      }
    }
  }
}
