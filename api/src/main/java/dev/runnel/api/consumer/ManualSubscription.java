package dev.runnel.api.consumer;

import dev.runnel.actors.TopicPartition;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Partitions a consumer reads, chosen by the application (Kafka's {@code assign}), and where it
 * starts in each. Created by {@link Subscriptions}.
 */
public sealed interface ManualSubscription {

  /** The partitions read. */
  Set<TopicPartition> partitions();

  /** Start at {@code auto.offset.reset} ({@link Subscriptions#assignment}). */
  record Assignment(Set<TopicPartition> partitions) implements ManualSubscription {
    public Assignment {
      partitions = requireSome(partitions);
    }
  }

  /** Start at the given offsets ({@link Subscriptions#assignmentWithOffset}). */
  record AssignmentWithOffset(Map<TopicPartition, Long> offsets) implements ManualSubscription {
    public AssignmentWithOffset {
      offsets = Map.copyOf(offsets);
      requireSome(offsets.keySet());
      offsets.forEach(
          (tp, offset) -> {
            if (offset < 0) {
              throw new IllegalArgumentException(
                  "Invalid start offset: topicPartition=" + tp + ", offset=" + offset);
            }
          });
    }

    @Override
    public Set<TopicPartition> partitions() {
      return offsets.keySet();
    }
  }

  /**
   * Start at the first record at or after the given times, in milliseconds since the epoch, or at
   * the end where there is none ({@link Subscriptions#assignmentOffsetsForTimes}).
   */
  record AssignmentOffsetsForTimes(Map<TopicPartition, Long> timestamps)
      implements ManualSubscription {
    public AssignmentOffsetsForTimes {
      timestamps = Map.copyOf(timestamps);
      requireSome(timestamps.keySet());
    }

    @Override
    public Set<TopicPartition> partitions() {
      return timestamps.keySet();
    }
  }

  private static Set<TopicPartition> requireSome(Set<TopicPartition> partitions) {
    Objects.requireNonNull(partitions, "partitions");
    if (partitions.isEmpty()) {
      throw new IllegalArgumentException("A subscription needs at least one partition");
    }
    return Set.copyOf(partitions);
  }
}
