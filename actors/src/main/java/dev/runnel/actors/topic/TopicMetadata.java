package dev.runnel.actors.topic;

import dev.runnel.actors.RunnelSerializable;
import java.util.Objects;

/**
 * What every node knows about a topic: enough to route a record and to configure a partition.
 *
 * @param name the topic's name
 * @param partitions how many partitions it has (it can grow, never shrink)
 * @param config its settings
 * @param deleting whether it is being deleted: it takes no writes and its name is not free yet
 * @param topicId the id of this incarnation of the name, given by the registry when the topic is
 *     created, so that what refers to a topic (a group's committed offsets) can tell a deleted and
 *     re-created topic from the one it knew; "" when not known (topics created before ids)
 */
public record TopicMetadata(
    String name, int partitions, TopicConfig config, boolean deleting, String topicId)
    implements RunnelSerializable {

  public TopicMetadata {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(topicId, "topicId");
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "Invalid topic metadata: name=" + name + ", partitions=" + partitions);
    }
  }

  /** Metadata without a topic id. */
  public TopicMetadata(String name, int partitions, TopicConfig config, boolean deleting) {
    this(name, partitions, config, deleting, "");
  }
}
