package dev.runnel.api.remote;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.grpc.GrpcClientSettings;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.runnel.api.grpc.Tls;
import dev.runnel.api.grpc.v1.ClusterServiceClient;
import dev.runnel.api.grpc.v1.RunnelServiceClient;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a remote {@link dev.runnel.api.Runnel} talks through: the gRPC clients of one server and the
 * local actor system they, and the client's streams, run on. The clients reconnect on their own for
 * each new call; streams that break are started again by their users, waiting {@link
 * RemoteSettings#backoff} between attempts.
 *
 * <p>Thread-safe. Close it to close the clients and stop the system.
 */
public final class RemoteConnection implements AutoCloseable {

  /** The name of the client's actor system. */
  public static final String SYSTEM_NAME = "runnel-client";

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final ActorSystem<Void> system;
  private final RemoteSettings settings;
  private final RunnelServiceClient client;
  private final ClusterServiceClient cluster;

  private RemoteConnection(
      ActorSystem<Void> system,
      RemoteSettings settings,
      RunnelServiceClient client,
      ClusterServiceClient cluster) {
    this.system = system;
    this.settings = settings;
    this.client = client;
    this.cluster = cluster;
  }

  /**
   * Connects to the server {@code runnel.client} of {@code config} names, on a local (not
   * clustered) actor system configured by {@code config}'s {@code akka.*} settings.
   */
  public static RemoteConnection open(Config config) {
    Config full = config.withFallback(ConfigFactory.load());
    RemoteSettings settings = RemoteSettings.fromConfig(full);
    Config local =
        ConfigFactory.parseString("akka.actor.provider = local\nakka.remote.artery.enabled = off")
            .withFallback(full);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM_NAME, local);
    try {
      GrpcClientSettings grpc =
          GrpcClientSettings.connectToServiceAt(settings.host(), settings.port(), system)
              .withTls(settings.tls())
              // Keep connecting while the server is away (a restart), rather than closing the
              // clients for good after Akka gRPC's default 20 attempts.
              .withConnectionAttempts(-1);
      if (settings.caCertificates().isPresent()) {
        grpc = grpc.withTrustManager(Tls.trustManager(settings.caCertificates().get()));
      }
      return new RemoteConnection(
          system,
          settings,
          RunnelServiceClient.create(grpc, system),
          ClusterServiceClient.create(grpc, system));
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
  }

  /** The local actor system the clients and the client's streams run on. */
  public ActorSystem<Void> system() {
    return system;
  }

  /** Where the server is and how to reconnect. */
  public RemoteSettings settings() {
    return settings;
  }

  /** The client of the server's {@code runnel.v1.RunnelService}. */
  public RunnelServiceClient client() {
    return client;
  }

  /** The client of the server's {@code runnel.v1.ClusterService}. */
  public ClusterServiceClient cluster() {
    return cluster;
  }

  /** Closes the clients (calls in flight fail) and stops the actor system; waits for both. */
  @Override
  public void close() {
    try {
      client.close().toCompletableFuture().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      cluster.close().toCompletableFuture().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      system
          .log()
          .warn(
              "Closing the gRPC clients failed: server={}:{}", settings.host(), settings.port(), e);
    } finally {
      system.terminate();
      try {
        system
            .getWhenTerminated()
            .toCompletableFuture()
            .get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("The client's actor system did not stop: " + this, e);
      }
    }
  }

  @Override
  public String toString() {
    return "RemoteConnection[" + settings.host() + ":" + settings.port() + "]";
  }
}
