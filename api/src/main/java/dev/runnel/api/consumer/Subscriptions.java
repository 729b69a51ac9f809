package dev.runnel.api.consumer;

import dev.runnel.actors.TopicPartition;
import java.util.Map;
import java.util.Set;

/**
 * The subscriptions of a consumer, with the factory names of Alpakka Kafka's {@code Subscriptions}.
 * Only manual assignment exists for now: the application names the partitions.
 */
public final class Subscriptions {

  private Subscriptions() {}

  /** Reads the partitions from where {@code auto.offset.reset} says (earliest or latest). */
  public static ManualSubscription assignment(TopicPartition... partitions) {
    return new ManualSubscription.Assignment(Set.of(partitions));
  }

  /** Reads the partitions from where {@code auto.offset.reset} says (earliest or latest). */
  public static ManualSubscription assignment(Set<TopicPartition> partitions) {
    return new ManualSubscription.Assignment(partitions);
  }

  /** Reads one partition from {@code offset}. */
  public static ManualSubscription assignmentWithOffset(TopicPartition partition, long offset) {
    return new ManualSubscription.AssignmentWithOffset(Map.of(partition, offset));
  }

  /** Reads each partition from its offset. */
  public static ManualSubscription assignmentWithOffset(Map<TopicPartition, Long> offsets) {
    return new ManualSubscription.AssignmentWithOffset(offsets);
  }

  /** Reads one partition from the first record at or after {@code timestamp}. */
  public static ManualSubscription assignmentOffsetsForTimes(
      TopicPartition partition, long timestamp) {
    return new ManualSubscription.AssignmentOffsetsForTimes(Map.of(partition, timestamp));
  }

  /** Reads each partition from the first record at or after its timestamp. */
  public static ManualSubscription assignmentOffsetsForTimes(Map<TopicPartition, Long> timestamps) {
    return new ManualSubscription.AssignmentOffsetsForTimes(timestamps);
  }
}
