package dev.runnel.api.consumer;

import akka.NotUsed;
import akka.actor.typed.Behavior;
import akka.actor.typed.RecipientRef;
import akka.japi.Pair;
import akka.stream.javadsl.Source;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.group.GroupCommand;
import dev.runnel.actors.group.GroupIds;
import dev.runnel.actors.group.GroupSubscription;
import dev.runnel.api.internal.SettingsReader;
import dev.runnel.api.remote.RemoteConnection;
import java.util.function.Function;

/**
 * The group-subscribed sources of {@link Consumer}: a queue of per-partition sources that the
 * stream's member fills as partitions are assigned, and the merged views of it. The member is a
 * {@link GroupMember} at the group's coordinator for an embedded {@link dev.runnel.api.Runnel}, a
 * {@link RemoteGroupMember} over the server's group stream for a remote one; everything else is the
 * same for both.
 */
final class GroupSources {

  /**
   * How many partitions one merged stream reads at once; more stay queued until others are revoked.
   */
  static final int MAX_PARTITIONS = 4096;

  private GroupSources() {}

  /** The coordinators of the cluster the settings' node belongs to, by group id. */
  static Function<String, RecipientRef<GroupCommand>> coordinators(
      ConsumerSettings<?, ?> settings) {
    return groupId -> settings.runnel().node().group(groupId);
  }

  /**
   * Each assigned partition as a source of its own ({@link Consumer#committablePartitionedSource}).
   */
  static <K, V>
      Source<Pair<TopicPartition, Source<CommittableMessage<K, V>, NotUsed>>, Consumer.Control>
          partitioned(
              ConsumerSettings<K, V> settings,
              AutoSubscription subscription,
              RebalanceListener listener,
              Function<String, RecipientRef<GroupCommand>> coordinators) {
    return queued(settings, subscription, coordinators, false, listener)
        .watchTermination(GroupControl::watching);
  }

  /** Every assigned partition's records merged ({@link Consumer#committableSource}). */
  static <K, V> Source<CommittableMessage<K, V>, Consumer.Control> committable(
      ConsumerSettings<K, V> settings,
      AutoSubscription subscription,
      Function<String, RecipientRef<GroupCommand>> coordinators) {
    return queued(settings, subscription, coordinators, false, RebalanceListener.NONE)
        .flatMapMerge(MAX_PARTITIONS, Pair::second)
        .watchTermination(GroupControl::watching);
  }

  /**
   * Every assigned partition's records merged, the position of each record taken downstream noted
   * for the automatic commit ({@link Consumer#plainSource(ConsumerSettings, AutoSubscription)}).
   */
  static <K, V> Source<ConsumerRecord<K, V>, Consumer.Control> plain(
      ConsumerSettings<K, V> settings,
      AutoSubscription subscription,
      Function<String, RecipientRef<GroupCommand>> coordinators) {
    return queued(
            settings,
            subscription,
            coordinators,
            settings.enableAutoCommit(),
            RebalanceListener.NONE)
        .flatMapMerge(MAX_PARTITIONS, Pair::second)
        .map(
            message -> {
              RecordOffset offset = (RecordOffset) message.committableOffset();
              offset.partition().consumed(offset.offset());
              return message.record();
            })
        .watchTermination(GroupControl::watching);
  }

  private static <K, V>
      Source<Pair<TopicPartition, Source<CommittableMessage<K, V>, NotUsed>>, GroupControl> queued(
          ConsumerSettings<K, V> settings,
          AutoSubscription subscription,
          Function<String, RecipientRef<GroupCommand>> coordinators,
          boolean autoCommit,
          RebalanceListener listener) {
    GroupIds.validate(settings.groupId());
    if (settings.heartbeatInterval().compareTo(settings.sessionTimeout()) >= 0) {
      // Checked here rather than by each setter, so that the two can be changed in any order.
      throw SettingsReader.invalid(
          ConsumerSettings.CONFIG_PATH,
          ConsumerSettings.HEARTBEAT_INTERVAL_MS,
          settings.heartbeatInterval().toMillis(),
          "not below session.timeout.ms " + settings.sessionTimeout().toMillis());
    }
    GroupSubscription group =
        subscription instanceof AutoSubscription.TopicSubscription topics
            ? GroupSubscription.topics(topics.topics())
            : GroupSubscription.pattern(
                ((AutoSubscription.TopicPatternSubscription) subscription).pattern());
    Function<GroupMember.Parts<K, V>, Behavior<Object>> member;
    if (settings.runnel().isRemote()) {
      RemoteConnection connection = settings.runnel().remote();
      member = parts -> RemoteGroupMember.create(parts, connection);
    } else {
      RecipientRef<GroupCommand> coordinator = coordinators.apply(settings.groupId());
      PartitionAccess access = PartitionAccess.of(settings.runnel().node());
      member = parts -> GroupMember.create(parts, coordinator, access);
    }
    return Source.<Pair<TopicPartition, Source<CommittableMessage<K, V>, NotUsed>>>queue(
            MAX_PARTITIONS)
        .mapMaterializedValue(
            queue -> GroupControl.start(settings, group, autoCommit, listener, queue, member));
  }
}
