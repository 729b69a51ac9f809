package dev.runnel.api.admin;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A topic to create, as Kafka's {@code NewTopic} describes one: a name, a partition count (or the
 * default, {@code runnel.topic-defaults.partitions}) and settings under Kafka's names ({@code
 * retention.ms}, {@code cleanup.policy}, ...) that override the topic defaults.
 *
 * @param name the topic's name (Kafka's rules: up to 249 of {@code [a-zA-Z0-9._-]}, not {@code .}
 *     or {@code ..})
 * @param numPartitions the partition count, or empty for the default
 * @param configs settings of this topic, by Kafka name
 */
public record NewTopic(String name, OptionalInt numPartitions, Map<String, String> configs) {

  public NewTopic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(numPartitions, "numPartitions");
    configs = Map.copyOf(configs);
  }

  /** A topic with {@code numPartitions} partitions and the default settings. */
  public NewTopic(String name, int numPartitions) {
    this(name, OptionalInt.of(numPartitions), Map.of());
  }

  /** A topic with the default partition count and settings. */
  public NewTopic(String name) {
    this(name, OptionalInt.empty(), Map.of());
  }

  /** This topic with its settings replaced by {@code newConfigs}. */
  public NewTopic configs(Map<String, String> newConfigs) {
    return new NewTopic(name, numPartitions, newConfigs);
  }

  /** This topic with one more setting. */
  public NewTopic withConfig(String key, String value) {
    Map<String, String> more = new HashMap<>(configs);
    more.put(key, value);
    return new NewTopic(name, numPartitions, more);
  }
}
