package dev.runnel.api.admin;

import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.topic.TopicConfig;
import dev.runnel.actors.topic.TopicConfigs;
import dev.runnel.actors.topic.TopicMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A topic as the cluster knows it: what {@code RunnelAdmin.describeTopic} answers.
 *
 * @param name the topic's name
 * @param partitionCount how many partitions it has
 * @param config its settings, typed
 * @param deleting whether it is being deleted (it takes no records and its name is not free yet)
 */
public record TopicDescription(
    String name, int partitionCount, TopicConfig config, boolean deleting) {

  public TopicDescription {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(config, "config");
  }

  /** The description of a topic's metadata. */
  public static TopicDescription of(TopicMetadata metadata) {
    return new TopicDescription(
        metadata.name(), metadata.partitions(), metadata.config(), metadata.deleting());
  }

  /** Every setting under its Kafka name ({@code retention.ms}, ...), defaults included. */
  public Map<String, String> configs() {
    return TopicConfigs.toMap(config);
  }

  /** The topic's partitions, in order. */
  public List<TopicPartition> partitions() {
    List<TopicPartition> partitions = new ArrayList<>(partitionCount);
    for (int i = 0; i < partitionCount; i++) {
      partitions.add(new TopicPartition(name, i));
    }
    return List.copyOf(partitions);
  }
}
