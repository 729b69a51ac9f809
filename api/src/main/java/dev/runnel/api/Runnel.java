package dev.runnel.api;

import akka.Done;
import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.api.producer.ProducerSettings;
import dev.runnel.api.producer.RunnelProducer;
import dev.runnel.api.remote.RemoteConnection;
import dev.runnel.api.remote.RemoteSettings;
import dev.runnel.sharding.RunnelNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The entry point of the Java API: either a Runnel node running in this JVM (embedded), started
 * alone or joining a cluster, or a client of a Runnel server reached over gRPC (remote). The
 * configuration chooses: {@code runnel.client.mode = embedded} (the default) or {@code remote},
 * with {@code runnel.client.server = "HOST:PORT"}. Admin, producers and consumers work the same
 * either way, so an application switches by configuration alone.
 *
 * <pre>{@code
 * try (Runnel runnel = Runnel.start()) {
 *   runnel.admin().createTopic(new NewTopic("events", 3)).toCompletableFuture().join();
 *   ProducerSettings<String, String> settings =
 *       ProducerSettings.create(runnel, Serdes.String().serializer(), Serdes.String().serializer());
 *   ...
 * }
 * }</pre>
 *
 * <p>{@link #start(Config)} takes {@code runnel.*} (and, where needed, {@code akka.*}) settings:
 * embedded, {@code runnel.data-dir}, {@code runnel.cluster.seed-nodes} and the others of the
 * sharding module's {@code reference.conf}; either way the producer and consumer defaults and
 * {@code runnel.client} of this module's. An embedded node with no seed nodes forms a cluster of
 * its own.
 *
 * <p>Streams of the producer and consumer run on {@link #system()}. Every {@code CompletionStage}
 * the API returns completes on that system's executor. Thread-safe.
 */
public final class Runnel implements AutoCloseable {

  private final RunnelNode node;
  private final RemoteConnection remote;
  private final RunnelAdmin admin;

  private Runnel(RunnelNode node) {
    this.node = node;
    this.remote = null;
    Config config = node.system().settings().config();
    this.admin = new RunnelAdmin(node, config.getDuration("runnel.admin.request.timeout.ms"));
  }

  private Runnel(RemoteConnection remote) {
    this.node = null;
    this.remote = remote;
    this.admin = new RunnelAdmin(new RemoteAdmin(remote), remote.system().executionContext());
  }

  /** Starts (or connects, in remote mode) from the application's configuration. */
  public static Runnel start() {
    return start(ConfigFactory.load());
  }

  /**
   * Embedded: starts a node from {@code config}, with Runnel's defaults under it, and returns once
   * the node is up; it joins its cluster in the background, and requests wait for it as for any
   * other answer. Remote: prepares the connection to {@code runnel.client.server}; it connects with
   * the first request, and a server that is not up yet fails requests, not this call.
   *
   * @throws dev.runnel.actors.error.RunnelException with {@code INVALID_CONFIG} for a bad {@code
   *     runnel.client} setting
   */
  public static Runnel start(Config config) {
    Config full = config.withFallback(ConfigFactory.load());
    String mode = full.getString("runnel.client.mode");
    return switch (mode) {
      case RemoteSettings.EMBEDDED -> new Runnel(RunnelNode.start(config));
      case RemoteSettings.REMOTE -> new Runnel(RemoteConnection.open(config));
      default ->
          throw new RunnelException(
              ErrorCode.INVALID_CONFIG,
              "Bad client setting: setting=runnel.client.mode, value="
                  + mode
                  + ", reason=expected embedded or remote");
    };
  }

  /**
   * A remote client of the server at {@code server} ({@code HOST:PORT}), other settings default.
   */
  public static Runnel connect(String server) {
    return start(
        ConfigFactory.empty()
            .withValue("runnel.client.mode", ConfigValueFactory.fromAnyRef(RemoteSettings.REMOTE))
            .withValue("runnel.client.server", ConfigValueFactory.fromAnyRef(server)));
  }

  /** Whether this is a client of a remote server rather than a node in this JVM. */
  public boolean isRemote() {
    return remote != null;
  }

  /** The actor system streams of this API run on: the node's, or the remote client's own. */
  public ActorSystem<Void> system() {
    return remote != null ? remote.system() : node.system();
  }

  /** Topic administration: create, describe, list, alter, grow and delete topics; list offsets. */
  public RunnelAdmin admin() {
    return admin;
  }

  /**
   * A producer with {@code settings}; close it when done. Same as {@link RunnelProducer#create}.
   */
  public <K, V> RunnelProducer<K, V> producer(ProducerSettings<K, V> settings) {
    return RunnelProducer.create(settings);
  }

  /**
   * The node under this API, for what the API does not offer.
   *
   * @throws IllegalStateException when this is a remote client: the node runs in the server
   */
  public RunnelNode node() {
    if (node == null) {
      throw new IllegalStateException(
          "A remote client has no node in this JVM: server="
              + remote.settings().host()
              + ":"
              + remote.settings().port());
    }
    return node;
  }

  /**
   * The connection of a remote client.
   *
   * @throws IllegalStateException when this is an embedded node
   */
  public RemoteConnection remote() {
    if (remote == null) {
      throw new IllegalStateException("An embedded node has no remote connection: " + this);
    }
    return remote;
  }

  /**
   * Embedded: leaves the cluster and stops the node (Akka's coordinated shutdown); remote: closes
   * the connection. Producers and consumers of this {@code Runnel} fail with {@code NOT_AVAILABLE}
   * from then on. The one stage of the API that does not complete on the system's executor: that
   * executor is gone when the system has stopped.
   */
  public CompletionStage<Done> shutdown() {
    if (remote != null) {
      // Not on the system's executor: closing stops that system.
      return CompletableFuture.supplyAsync(
          () -> {
            remote.close();
            return Done.getInstance();
          },
          command -> new Thread(command, "runnel-client-close").start());
    }
    return node.shutdown();
  }

  /** Stops the node, or closes the connection, and waits until it is done. */
  @Override
  public void close() {
    if (remote != null) {
      remote.close();
    } else {
      node.close();
    }
  }

  @Override
  public String toString() {
    return remote != null ? "Runnel[" + remote + "]" : "Runnel[" + node.system().address() + "]";
  }
}
