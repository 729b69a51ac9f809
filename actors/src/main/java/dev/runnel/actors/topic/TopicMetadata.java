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
 */
public record TopicMetadata(String name, int partitions, TopicConfig config, boolean deleting)
    implements RunnelSerializable {

  public TopicMetadata {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(config, "config");
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "Invalid topic metadata: name=" + name + ", partitions=" + partitions);
    }
  }
}
