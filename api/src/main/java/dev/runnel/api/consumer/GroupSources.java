package dev.runnel.api.consumer;

import akka.NotUsed;
import akka.actor.typed.RecipientRef;
import akka.japi.Pair;
import akka.stream.javadsl.Source;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.group.GroupCommand;
import dev.runnel.actors.group.GroupIds;
import dev.runnel.actors.group.GroupSubscription;
import dev.runnel.api.internal.SettingsReader;
import java.util.function.Function;

/**
 * The group-subscribed sources of {@link Consumer}: a queue of per-partition sources that the
 * stream's {@link GroupMember} fills as partitions are assigned, and the merged views of it.
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
    return settings.runnel().node()::group;
  }

  /**
   * Each assigned partition as a source of its own ({@link Consumer#committablePartitionedSource}).
   */
  static <K, V>
      Source<Pair<TopicPartition, Source<CommittableMessage<K, V>, NotUsed>>, Consumer.Control>
          partitioned(
              ConsumerSettings<K, V> settings,
              AutoSubscription subscription,
              Function<String, RecipientRef<GroupCommand>> coordinators) {
    return queued(settings, subscription, coordinators, false)
        .watchTermination(GroupControl::watching);
  }

  /** Every assigned partition's records merged ({@link Consumer#committableSource}). */
  static <K, V> Source<CommittableMessage<K, V>, Consumer.Control> committable(
      ConsumerSettings<K, V> settings,
      AutoSubscription subscription,
      Function<String, RecipientRef<GroupCommand>> coordinators) {
    return queued(settings, subscription, coordinators, false)
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
    return queued(settings, subscription, coordinators, settings.enableAutoCommit())
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
          boolean autoCommit) {
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
    RecipientRef<GroupCommand> coordinator = coordinators.apply(settings.groupId());
    return Source.<Pair<TopicPartition, Source<CommittableMessage<K, V>, NotUsed>>>queue(
            MAX_PARTITIONS)
        .mapMaterializedValue(
            queue ->
                GroupControl.start(
                    settings,
                    group,
                    coordinator,
                    PartitionAccess.of(settings.runnel().node()),
                    autoCommit,
                    queue));
  }
}
