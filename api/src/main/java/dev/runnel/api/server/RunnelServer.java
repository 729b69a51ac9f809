package dev.runnel.api.server;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.cluster.Cluster;
import com.typesafe.config.Config;
import dev.runnel.api.Runnel;
import dev.runnel.api.grpc.GrpcServer;
import dev.runnel.api.grpc.GrpcServiceSettings;
import dev.runnel.sharding.NodeSettings;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Runnel server: a node ({@link Runnel}) on a locked data directory with its gRPC listener
 * ({@link GrpcServer}). {@link #start} checks the whole configuration and the data directory before
 * anything starts, and logs one line, beginning {@value #READY}, once the listener is bound and the
 * node is a member of its cluster.
 *
 * <p>It stops with the node's coordinated shutdown, which SIGTERM runs too (Akka's JVM shutdown
 * hook): the listener stops accepting connections and lets calls in flight finish, the node leaves
 * its cluster, and the data directory's lock is released once the node has stopped.
 *
 * <p>Thread-safe.
 */
public final class RunnelServer implements AutoCloseable {

  /** The start of the line logged when the server is ready. */
  public static final String READY = "Runnel server ready";

  /** How long {@link #start} waits for the listener to be bound. */
  private static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);

  /** How long {@link #close} waits for the data directory's lock to be released. */
  private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(RunnelServer.class);

  private final Runnel runnel;
  private final GrpcServer grpc;
  private final CompletableFuture<Done> released;
  private final CompletableFuture<Done> ready = new CompletableFuture<>();

  private RunnelServer(Runnel runnel, GrpcServer grpc, CompletableFuture<Done> released) {
    this.runnel = runnel;
    this.grpc = grpc;
    this.released = released;
  }

  /**
   * Starts a server from {@code config} (as {@link ServerConfig#load} builds it); returns once the
   * listener is bound. {@link #ready()} completes when the node has also joined its cluster.
   *
   * @throws IllegalArgumentException on a bad setting, naming it, before anything started
   * @throws IllegalStateException when the data directory is in use or the listener cannot bind
   */
  public static RunnelServer start(Config config) {
    Config nodeConfig = NodeSettings.nodeConfig(config);
    NodeSettings node = NodeSettings.fromConfig(nodeConfig.getConfig("runnel"));
    GrpcServiceSettings.fromConfig(nodeConfig.getConfig("runnel.server"));
    DataDirLock lock = DataDirLock.acquire(node.dataDir());
    Runnel runnel;
    try {
      runnel = Runnel.start(config);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
    // The system's executor is gone once it has terminated: release on the terminating thread.
    // close() waits for the release too, so that a new server can take the directory at once.
    CompletableFuture<Done> released = new CompletableFuture<>();
    runnel
        .system()
        .getWhenTerminated()
        .whenComplete(
            (done, failure) -> {
              lock.close();
              released.complete(Done.getInstance());
            });
    GrpcServer grpc;
    try {
      grpc =
          GrpcServer.start(runnel)
              .toCompletableFuture()
              .get(BIND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      runnel.close();
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException("Cannot start the gRPC listener: " + cause.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      runnel.close();
      throw new IllegalStateException("Interrupted while starting the gRPC listener", e);
    }
    RunnelServer server = new RunnelServer(runnel, grpc, released);
    Cluster.get(runnel.system().classicSystem())
        .registerOnMemberUp(
            () -> {
              log.info(
                  "{}: grpc={}:{}, tls={}, node={}, data-dir={}, storage={}, fsync={}",
                  READY,
                  grpc.localAddress().getHostString(),
                  grpc.localAddress().getPort(),
                  grpc.tls() ? "on" : "off",
                  runnel.system().address(),
                  node.dataDir(),
                  node.storage().configName(),
                  node.fsync());
              server.ready.complete(Done.getInstance());
            });
    // Logged inside the coordinated shutdown, so that it also appears when SIGTERM ran it: the
    // JVM exits as soon as the shutdown is over.
    CoordinatedShutdown.get(runnel.system())
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "runnel-server-stopped",
            () -> {
              log.info("Runnel server stopped: node={}", runnel.system().address());
              return CompletableFuture.completedFuture(Done.getInstance());
            });
    return server;
  }

  /** Completes when the server is ready: bound, and a member of its cluster. */
  public CompletionStage<Done> ready() {
    return ready;
  }

  /** The node. */
  public Runnel runnel() {
    return runnel;
  }

  /** The gRPC listener. */
  public GrpcServer grpc() {
    return grpc;
  }

  /** Blocks until the node has stopped (after {@link #close}, a SIGTERM or a cluster downing). */
  public void awaitTermination() throws InterruptedException {
    try {
      runnel.system().getWhenTerminated().toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("Node ended with a failure: node=" + runnel, e.getCause());
    }
  }

  /** Stops the server gracefully and waits for it, until its data directory is free again. */
  @Override
  public void close() {
    runnel.close();
    try {
      released.get(RELEASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while stopping: node=" + runnel, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("The data directory was not released: node=" + runnel, e);
    }
  }
}
