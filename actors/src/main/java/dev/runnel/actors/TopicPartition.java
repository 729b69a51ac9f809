package dev.runnel.actors;

import java.util.Objects;

/**
 * One partition of a topic: the unit of ordering, storage and placement.
 *
 * <p>Its sharding entity id is {@code <topic>-<n>} and its persistence id {@code
 * partition|<topic>|<n>}. Topic names may contain {@code -}, so an entity id is split at its last
 * {@code -}.
 *
 * @param topic the topic's name
 * @param partition the partition number, from 0
 */
public record TopicPartition(String topic, int partition) implements RunnelSerializable {

  /** The prefix of every partition's persistence id. */
  public static final String PERSISTENCE_ID_PREFIX = "partition|";

  public TopicPartition {
    Objects.requireNonNull(topic, "topic");
    if (topic.isEmpty()) {
      throw new IllegalArgumentException("Invalid topic partition: topic is empty");
    }
    if (partition < 0) {
      throw new IllegalArgumentException(
          "Invalid topic partition: topic=" + topic + ", partition=" + partition);
    }
  }

  /** The Cluster Sharding entity id of this partition: {@code <topic>-<n>}. */
  public String entityId() {
    return topic + '-' + partition;
  }

  /** The Akka Persistence id of this partition's log: {@code partition|<topic>|<n>}. */
  public String persistenceId() {
    return PERSISTENCE_ID_PREFIX + topic + '|' + partition;
  }

  /**
   * The partition an entity id names.
   *
   * @throws IllegalArgumentException if {@code entityId} is not {@code <topic>-<n>}
   */
  public static TopicPartition fromEntityId(String entityId) {
    int dash = entityId.lastIndexOf('-');
    if (dash <= 0 || dash == entityId.length() - 1) {
      throw new IllegalArgumentException("Invalid partition entity id: entityId=" + entityId);
    }
    try {
      return new TopicPartition(
          entityId.substring(0, dash), Integer.parseInt(entityId.substring(dash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid partition entity id: entityId=" + entityId, e);
    }
  }

  @Override
  public String toString() {
    return entityId();
  }
}
