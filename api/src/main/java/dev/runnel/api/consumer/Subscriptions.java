package dev.runnel.api.consumer;

import dev.runnel.actors.TopicPartition;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * The subscriptions of a consumer, with the factory names of Alpakka Kafka's {@code Subscriptions}:
 * manual assignments ({@link ManualSubscription}: the application names the partitions) and
 * subscriptions of a consumer group ({@link AutoSubscription}: the group's coordinator assigns the
 * partitions of the topics, and the group's committed offsets say where to start).
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

  /** The partitions of these topics, shared out among the members of the consumer's group. */
  public static AutoSubscription topics(String... topics) {
    return new AutoSubscription.TopicSubscription(Set.copyOf(Arrays.asList(topics)));
  }

  /** The partitions of these topics, shared out among the members of the consumer's group. */
  public static AutoSubscription topics(Set<String> topics) {
    return new AutoSubscription.TopicSubscription(topics);
  }

  /**
   * The partitions of every topic whose whole name matches {@code regex} (a {@link
   * java.util.regex.Pattern}), now and created later, shared out among the members of the group.
   */
  public static AutoSubscription topicPattern(String regex) {
    return new AutoSubscription.TopicPatternSubscription(regex);
  }
}
