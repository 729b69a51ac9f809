package dev.runnel.sharding;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.ClusterShardingSettings;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import dev.runnel.actors.group.GroupCommand;
import dev.runnel.actors.group.GroupCoordinator;
import dev.runnel.actors.group.GroupSettings;
import dev.runnel.actors.topic.TopicConfigLookup;

/**
 * Group coordinators as Cluster Sharding entities: entity type {@value #ENTITY_TYPE_NAME}, entity
 * id = the group id, spread over {@code runnel.sharding.number-of-shards} shards by {@link
 * StableShardExtractor} like partitions.
 *
 * <p>Sharding's automatic idle passivation is off for groups: a coordinator holds its members in
 * memory, and stopping it would force them all to join again. A coordinator asks its shard to
 * passivate it itself, only when it has no members and was idle for {@code
 * runnel.group.passivate-idle-after}; the shard then sends it {@link GroupCommand.Passivate}.
 */
public final class GroupSharding {

  /** The name of the coordinators' entity type. */
  public static final String ENTITY_TYPE_NAME = "group";

  /** The coordinators' entity type key. */
  public static final EntityTypeKey<GroupCommand> ENTITY_TYPE_KEY =
      EntityTypeKey.create(GroupCommand.class, ENTITY_TYPE_NAME);

  private final ClusterSharding sharding;

  private GroupSharding(ClusterSharding sharding) {
    this.sharding = sharding;
  }

  /**
   * Starts this node's shard region for group coordinators.
   *
   * @param topics where coordinators find the topics their members subscribe to
   */
  public static GroupSharding init(
      ActorSystem<?> system,
      NodeSettings settings,
      GroupSettings groupSettings,
      TopicConfigLookup topics) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(
                ENTITY_TYPE_KEY,
                entity ->
                    GroupCoordinator.create(
                        entity.getEntityId(),
                        groupSettings,
                        topics,
                        self -> entity.getShard().tell(new ClusterSharding.Passivate<>(self))))
            .withMessageExtractor(new StableShardExtractor<>(settings.numberOfShards()))
            .withStopMessage(GroupCommand.Passivate.INSTANCE)
            .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
    return new GroupSharding(sharding);
  }

  /** The group's coordinator, reached through this node's shard region. */
  public EntityRef<GroupCommand> entityRef(String groupId) {
    return sharding.entityRefFor(ENTITY_TYPE_KEY, groupId);
  }
}
