package dev.runnel.actors.group.assignor;

import dev.runnel.actors.TopicPartition;
import java.util.Map;
import java.util.Set;

/**
 * Decides which member of a group consumes which partition. Implementations are pure, stateless and
 * deterministic: the same inputs give the same assignment on every node and JVM, whatever the
 * iteration order of the maps given.
 *
 * <p>Every partition of a topic some member subscribes to is assigned to exactly one member that
 * subscribes to its topic; a member gets only partitions of its subscribed topics.
 */
public interface PartitionAssignor {

  /** The assignor's name, as members ask for it ({@code partition.assignment.strategy}). */
  String name();

  /**
   * Whether a rebalance under this assignor revokes only the partitions that move (cooperative),
   * rather than every partition of every member before assigning anew (eager).
   */
  boolean cooperative();

  /**
   * The new assignment.
   *
   * @param subscribedTopicsByMember each member's subscribed topics that exist now, by member id
   * @param partitionsByTopic the partition count of every topic in some subscription
   * @param current each member's partitions now (sticky assignors keep as many as they can; others
   *     ignore it); may miss members and may name partitions that no longer exist
   * @return each member's partitions, with an entry (perhaps empty) for every member
   */
  Map<String, Set<TopicPartition>> assign(
      Map<String, Set<String>> subscribedTopicsByMember,
      Map<String, Integer> partitionsByTopic,
      Map<String, Set<TopicPartition>> current);
}
