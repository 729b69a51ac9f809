package dev.runnel.sharding;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.Join;
import akka.cluster.typed.JoinSeedNodes;
import akka.cluster.typed.SingletonActor;
import com.typesafe.config.Config;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.group.GroupCommand;
import dev.runnel.actors.group.GroupIds;
import dev.runnel.actors.group.GroupListing;
import dev.runnel.actors.group.GroupSettings;
import dev.runnel.actors.partition.PartitionCommand;
import dev.runnel.actors.partition.PartitionSettings;
import dev.runnel.actors.topic.TopicRegistry;
import dev.runnel.actors.topic.TopicRegistryCommand;
import dev.runnel.actors.topic.TopicRegistrySettings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * One Runnel node: an ActorSystem named {@code runnel} that is a member of an Akka cluster, runs
 * the partitions Cluster Sharding gives it, may run the topic registry (a cluster singleton), and
 * keeps a copy of every topic's metadata.
 *
 * <p>{@link #start} builds the node's configuration ({@link NodeSettings#nodeConfig}), refuses bad
 * settings before anything starts, and then, in order: starts the ActorSystem, joins the seed nodes
 * (or itself when there are none), subscribes the metadata cache, starts the shard regions of
 * partitions and group coordinators and the registry singleton with its proxy. It returns at once;
 * messages to partitions and to the registry wait in Akka's buffers until the node is {@code Up}.
 *
 * <p>Thread-safe: every accessor returns a thread-safe object created at start.
 */
public final class RunnelNode implements AutoCloseable {

  /** How long {@link #close} waits for the coordinated shutdown (leave, hand off, terminate). */
  private static final Duration CLOSE_TIMEOUT = Duration.ofMinutes(1);

  /** How long {@link #clusterStatus} waits for the nodes' shard regions. */
  private static final int PLACEMENT_TIMEOUT_SECONDS = 3;

  private final ActorSystem<Void> system;
  private final TopicMetadataCache topics;
  private final Partitioner partitioner;
  private final PartitionSharding partitions;
  private final PartitionRequests partitionRequests;
  private final GroupSharding groups;
  private final GroupSettings groupSettings;
  private final ActorRef<TopicRegistryCommand> topicRegistry;

  private RunnelNode(
      ActorSystem<Void> system,
      TopicMetadataCache topics,
      PartitionSharding partitions,
      GroupSharding groups,
      GroupSettings groupSettings,
      ActorRef<TopicRegistryCommand> topicRegistry) {
    this.system = system;
    this.topics = topics;
    this.partitioner = new Partitioner();
    this.partitions = partitions;
    this.partitionRequests = PartitionRequests.start(system, partitions);
    this.groups = groups;
    this.groupSettings = groupSettings;
    this.topicRegistry = topicRegistry;
  }

  /**
   * Starts an ActorSystem "runnel" as a cluster node from {@code config} ({@code runnel.*} and
   * {@code akka.*}; the defaults of every module lie under it).
   *
   * @throws IllegalArgumentException if a setting is invalid, before anything started; the message
   *     names the key and its value
   * @throws IllegalStateException if the storage cannot be used (with {@code runnel.storage =
   *     jdbc}: the database cannot be reached or its schema is missing), before anything started
   */
  public static RunnelNode start(Config config) {
    Config full = NodeSettings.nodeConfig(config);
    NodeSettings settings = NodeSettings.fromConfig(full.getConfig("runnel"));
    PartitionSettings partitionSettings =
        PartitionSettings.fromConfig(full.getConfig("runnel.partition"));
    TopicRegistrySettings registrySettings =
        TopicRegistrySettings.fromConfig(full.getConfig("runnel"));
    GroupSettings groupSettings = GroupSettings.fromConfig(full.getConfig("runnel.group"));
    settings.prepareStorage(full);

    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), NodeSettings.SYSTEM_NAME, full);
    try {
      join(system, settings, full);
      TopicMetadataCache topics = TopicMetadataCache.start(system);
      PartitionSharding partitions =
          PartitionSharding.init(system, settings, partitionSettings, topics);
      GroupSharding groups = GroupSharding.init(system, settings, groupSettings, topics);
      ActorRef<TopicRegistry.Published> listener =
          system.systemActorOf(
              TopicMetadataPublisher.create(settings.metadataWriteTimeout()),
              "topic-metadata-publisher",
              Props.empty());
      ActorRef<TopicRegistryCommand> registry =
          ClusterSingleton.get(system)
              .init(
                  SingletonActor.of(
                      registry(registrySettings, listener, partitions), "topic-registry"));
      return new RunnelNode(system, topics, partitions, groups, groupSettings, registry);
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
  }

  /**
   * The registry as the singleton runs it. The singleton manager does not restart a singleton that
   * stopped, so a failure restarts the registry here (journal failures already restart it inside).
   * The listener is the publisher of whichever node runs the singleton.
   */
  private static Behavior<TopicRegistryCommand> registry(
      TopicRegistrySettings settings,
      ActorRef<TopicRegistry.Published> listener,
      PartitionSharding partitions) {
    return Behaviors.supervise(TopicRegistry.create(settings, listener, partitions))
        .onFailure(
            SupervisorStrategy.restartWithBackoff(
                Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
  }

  private static void join(ActorSystem<?> system, NodeSettings settings, Config full) {
    Cluster cluster = Cluster.get(system);
    if (!settings.seedNodes().isEmpty()) {
      cluster.manager().tell(new JoinSeedNodes(settings.seedNodes()));
      if (settings.storage() == NodeSettings.Storage.SEGMENT) {
        system
            .log()
            .warn(
                "Joining a cluster with node-local storage: runnel.storage={}, seedNodes={}. A"
                    + " partition or the registry that moves to another node recovers from that"
                    + " node's data directory, not from this one.",
                settings.storage().configName(),
                settings.seedNodes());
      }
    } else if (full.getStringList("akka.cluster.seed-nodes").isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }

  /** The node's ActorSystem. */
  public ActorSystem<Void> system() {
    return system;
  }

  /** This node's copy of every topic's metadata: no round trip. */
  public TopicMetadataCache topics() {
    return topics;
  }

  /** The node's partitioner (one per node, so records without a key spread across producers). */
  public Partitioner partitioner() {
    return partitioner;
  }

  /**
   * The partition's entity, wherever in the cluster it runs. Requests that wait for an answer go
   * through {@link #askPartition} instead, which gives up when the partition's node is removed.
   */
  public EntityRef<PartitionCommand> partition(TopicPartition tp) {
    return partitions.entityRef(tp);
  }

  /**
   * Asks partition {@code tp}; the answer completes on the system's executor. Fails with the ask's
   * timeout, or with a retriable {@code NOT_AVAILABLE} as soon as a cluster member is removed while
   * it waits (see {@link PartitionRequests}).
   */
  public <R> CompletionStage<R> askPartition(
      TopicPartition tp, Function<ActorRef<R>, PartitionCommand> command, Duration timeout) {
    return partitionRequests.ask(tp, command, timeout);
  }

  /**
   * This node's view of the cluster: members, their status and reachability, where the partitions'
   * shards are, and this node's health. Membership is known locally; shard placement is asked of
   * every node's shard region, and a node that does not answer within {@value
   * #PLACEMENT_TIMEOUT_SECONDS} seconds is shown without it. Completes on the node's dispatcher.
   */
  public CompletionStage<ClusterStatus> clusterStatus() {
    akka.cluster.Cluster cluster = akka.cluster.Cluster.get(system.classicSystem());
    return partitions
        .placement(Duration.ofSeconds(PLACEMENT_TIMEOUT_SECONDS))
        .thenApplyAsync(
            placement ->
                ClusterStatus.of(
                    cluster.selfMember(),
                    cluster.state(),
                    placement,
                    topics.all(),
                    partitions.numberOfShards()),
            system.executionContext());
  }

  /**
   * The coordinator of a consumer group, wherever in the cluster it runs.
   *
   * @throws RunnelException {@link dev.runnel.actors.error.ErrorCode#INVALID_GROUP_ID} if the id
   *     breaks the rules of {@link GroupIds}
   */
  public EntityRef<GroupCommand> group(String groupId) {
    GroupIds.validate(groupId);
    return groups.entityRef(groupId);
  }

  /**
   * The ids of every consumer group with stored data (committed offsets or a generation), deleted
   * groups excluded, sorted; read from this node's storage.
   */
  public CompletionStage<List<String>> listGroups() {
    return GroupListing.groupIds(system, groupSettings.readJournalPluginId());
  }

  /** The topic registry, through this node's cluster singleton proxy. */
  public ActorRef<TopicRegistryCommand> topicRegistry() {
    return topicRegistry;
  }

  /**
   * Leaves the cluster and stops the node with Akka's coordinated shutdown: partitions and the
   * registry hand over to other nodes, then the ActorSystem terminates. Unlike the node's other
   * futures this one completes after the system's dispatchers have stopped, so attach callbacks
   * with an executor of your own. Calling it again returns the same shutdown.
   */
  public CompletionStage<Done> shutdown() {
    return CoordinatedShutdown.get(system).runAll(NodeClosed.INSTANCE);
  }

  /**
   * {@link #shutdown()} and waits for it.
   *
   * @throws IllegalStateException if the node has not stopped within a minute
   */
  @Override
  public void close() {
    try {
      shutdown().toCompletableFuture().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while stopping node: " + this, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Node did not stop: node=" + this + ", timeout=" + CLOSE_TIMEOUT, e);
    }
  }

  @Override
  public String toString() {
    return "RunnelNode(" + Cluster.get(system).selfMember().address() + ")";
  }

  /** Why the node's coordinated shutdown ran: {@link #shutdown()} was called. */
  private enum NodeClosed implements CoordinatedShutdown.Reason {
    INSTANCE
  }
}
