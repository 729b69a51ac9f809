package dev.runnel.actors.group;

import dev.runnel.actors.TopicPartition;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a group coordinator persists. Stored as Protobuf by {@link GroupSerializer} ({@code
 * group.proto}). Membership is not persisted: members join again after a restart.
 */
sealed interface GroupEvent {

  /**
   * A new generation began.
   *
   * @param assignor the assignor its members use, "" when the group has no members
   */
  record GenerationStarted(int generation, String assignor) implements GroupEvent {
    public GenerationStarted {
      Objects.requireNonNull(assignor, "assignor");
    }
  }

  /** Offsets were committed, all of them as one. */
  record OffsetsCommitted(Map<TopicPartition, CommittedOffset> offsets) implements GroupEvent {
    public OffsetsCommitted {
      offsets = Map.copyOf(offsets);
    }
  }

  /** The offsets of these partitions were dropped: their topic was deleted or re-created. */
  record OffsetsDropped(Set<TopicPartition> partitions) implements GroupEvent {
    public OffsetsDropped {
      partitions = Set.copyOf(partitions);
    }
  }

  /** The group was deleted; it starts over with no generation and no offsets. */
  enum GroupDeleted implements GroupEvent {
    INSTANCE
  }
}
