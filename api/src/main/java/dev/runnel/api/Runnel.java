package dev.runnel.api;

import akka.Done;
import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.runnel.api.producer.ProducerSettings;
import dev.runnel.api.producer.RunnelProducer;
import dev.runnel.sharding.RunnelNode;
import java.util.concurrent.CompletionStage;

/**
 * The entry point of the embedded API: a Runnel node running in this JVM, started alone or joining
 * a cluster, and the clients that use it.
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
 * {@code runnel.data-dir}, {@code runnel.cluster.seed-nodes} and the others of the sharding
 * module's {@code reference.conf}, and the producer and consumer defaults of this module's. A node
 * with no seed nodes forms a cluster of its own.
 *
 * <p>Streams of the producer and consumer run on {@link #system()}. Every {@code CompletionStage}
 * the API returns completes on that system's executor. Thread-safe.
 */
public final class Runnel implements AutoCloseable {

  private final RunnelNode node;
  private final RunnelAdmin admin;

  private Runnel(RunnelNode node) {
    this.node = node;
    Config config = node.system().settings().config();
    this.admin = new RunnelAdmin(node, config.getDuration("runnel.admin.request.timeout.ms"));
  }

  /** Starts a node from the application's configuration ({@code application.conf} and defaults). */
  public static Runnel start() {
    return start(ConfigFactory.load());
  }

  /**
   * Starts a node from {@code config}, with Runnel's defaults under it. Returns once the node is
   * up; it joins its cluster in the background, and requests wait for it as for any other answer.
   */
  public static Runnel start(Config config) {
    return new Runnel(RunnelNode.start(config));
  }

  /** The actor system of the node; streams of this API run on it. */
  public ActorSystem<Void> system() {
    return node.system();
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

  /** The node under this API, for what the API does not offer. */
  public RunnelNode node() {
    return node;
  }

  /**
   * Leaves the cluster and stops the node (Akka's coordinated shutdown). Producers and consumers of
   * this node fail with {@code NOT_AVAILABLE} from then on. The one stage of the API that does not
   * complete on the system's executor: that executor is gone when the node has stopped.
   */
  public CompletionStage<Done> shutdown() {
    return node.shutdown();
  }

  /** Stops the node and waits until it is stopped. */
  @Override
  public void close() {
    node.close();
  }

  @Override
  public String toString() {
    return "Runnel[" + node.system().address() + "]";
  }
}
