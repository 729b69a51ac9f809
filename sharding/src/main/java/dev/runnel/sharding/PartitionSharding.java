package dev.runnel.sharding;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.sharding.ShardRegion.ClusterShardingStats;
import akka.cluster.sharding.typed.ClusterShardingSettings;
import akka.cluster.sharding.typed.GetClusterShardingStats;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.partition.Partition;
import dev.runnel.actors.partition.PartitionCommand;
import dev.runnel.actors.partition.PartitionCommand.DeletePartition;
import dev.runnel.actors.partition.PartitionSettings;
import dev.runnel.actors.topic.PartitionDeletion;
import dev.runnel.actors.topic.TopicConfigLookup;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Partitions as Cluster Sharding entities: entity type {@value #ENTITY_TYPE_NAME}, entity id {@code
 * <topic>-<n>}, spread over {@code runnel.sharding.number-of-shards} shards by {@link
 * StableShardExtractor}, passivated after {@code runnel.sharding.passivate-idle-after} with {@link
 * PartitionCommand.Passivate} (so queued appends are written first).
 *
 * <p>Also the registry's {@link PartitionDeletion}: it asks the partition entity, wherever it runs,
 * to delete its log. Deleting is idempotent on the partition's side, so the registry may ask again
 * after a timeout.
 */
public final class PartitionSharding implements PartitionDeletion {

  /** The name of the partitions' entity type. */
  public static final String ENTITY_TYPE_NAME = "partition";

  /** The partitions' entity type key. */
  public static final EntityTypeKey<PartitionCommand> ENTITY_TYPE_KEY =
      EntityTypeKey.create(PartitionCommand.class, ENTITY_TYPE_NAME);

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final Duration deleteTimeout;
  private final int numberOfShards;

  private PartitionSharding(
      ActorSystem<?> system, ClusterSharding sharding, Duration deleteTimeout, int numberOfShards) {
    this.system = system;
    this.sharding = sharding;
    this.deleteTimeout = deleteTimeout;
    this.numberOfShards = numberOfShards;
  }

  /**
   * Starts this node's shard region for partitions.
   *
   * @param topics where each partition reads its topic's settings
   */
  public static PartitionSharding init(
      ActorSystem<?> system,
      NodeSettings settings,
      PartitionSettings partitionSettings,
      TopicConfigLookup topics) {
    ClusterSharding sharding = ClusterSharding.get(system);
    ClusterShardingSettings defaults = ClusterShardingSettings.create(system);
    ClusterShardingSettings shardingSettings =
        settings
            .passivateIdleAfter()
            .map(
                idle ->
                    defaults.withPassivationStrategy(
                        defaults.passivationStrategySettings().withIdleEntityPassivation(idle)))
            .orElseGet(defaults::withNoPassivationStrategy);
    sharding.init(
        Entity.of(
                ENTITY_TYPE_KEY,
                entity ->
                    Partition.create(
                        TopicPartition.fromEntityId(entity.getEntityId()),
                        partitionSettings,
                        topics))
            .withMessageExtractor(new StableShardExtractor<>(settings.numberOfShards()))
            .withStopMessage(PartitionCommand.Passivate.INSTANCE)
            .withSettings(shardingSettings));
    return new PartitionSharding(
        system, sharding, settings.deleteTimeout(), settings.numberOfShards());
  }

  /** The partition entity, reached through this node's shard region. */
  public EntityRef<PartitionCommand> entityRef(TopicPartition tp) {
    return sharding.entityRefFor(ENTITY_TYPE_KEY, tp.entityId());
  }

  /** How many shards the partitions are spread over. */
  int numberOfShards() {
    return numberOfShards;
  }

  /**
   * The shards every node's region hosts, with their running partition counts; nodes that do not
   * answer within {@code timeout} are left out.
   */
  CompletionStage<ClusterShardingStats> placement(Duration timeout) {
    return AskPattern.ask(
        sharding.shardState(),
        (ActorRef<ClusterShardingStats> replyTo) ->
            new GetClusterShardingStats(ENTITY_TYPE_KEY, timeout, replyTo),
        timeout.plus(timeout),
        system.scheduler());
  }

  /** Asks the partition to delete its log; fails with a timeout after {@code delete-timeout}. */
  @Override
  public CompletionStage<Done> deletePartition(TopicPartition tp) {
    return entityRef(tp).ask(DeletePartition::new, deleteTimeout);
  }
}
