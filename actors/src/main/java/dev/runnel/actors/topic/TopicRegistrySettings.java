package dev.runnel.actors.topic;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import dev.runnel.actors.error.RunnelException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The topic registry's settings, read once from {@code runnel.topic-defaults} and {@code
 * runnel.topic-registry} (see the actors module's {@code reference.conf}) and validated.
 *
 * @param topicDefaults the settings of a topic created without them (Kafka's broker defaults)
 * @param defaultPartitions the partition count of a topic created with {@code -1} partitions
 *     (Kafka's {@code num.partitions})
 * @param journalPluginId the registry's journal plugin, "" for Akka's default
 * @param snapshotPluginId the registry's snapshot store plugin, "" for Akka's default
 * @param snapshotEveryEvents a snapshot is saved after this many events
 * @param producerIdBlockSize producer ids reserved by one persisted event
 * @param deletionRetryDelay how long the registry waits before asking again to delete the
 *     partitions of a topic after a failed attempt
 * @param logCompaction whether the storage compacts logs; without it compacting topics are refused
 */
public record TopicRegistrySettings(
    TopicConfig topicDefaults,
    int defaultPartitions,
    String journalPluginId,
    String snapshotPluginId,
    int snapshotEveryEvents,
    int producerIdBlockSize,
    Duration deletionRetryDelay,
    boolean logCompaction) {

  public TopicRegistrySettings {
    Objects.requireNonNull(topicDefaults, "topicDefaults");
    Objects.requireNonNull(journalPluginId, "journalPluginId");
    Objects.requireNonNull(snapshotPluginId, "snapshotPluginId");
    Objects.requireNonNull(deletionRetryDelay, "deletionRetryDelay");
    requireAtLeastOne("topic-defaults.partitions", defaultPartitions);
    requireAtLeastOne("topic-registry.snapshot-every-events", snapshotEveryEvents);
    requireAtLeastOne("topic-registry.producer-id-block-size", producerIdBlockSize);
    if (deletionRetryDelay.isNegative() || deletionRetryDelay.isZero()) {
      throw new IllegalArgumentException(
          "Invalid topic registry setting: topic-registry.deletion-retry-delay="
              + deletionRetryDelay
              + " must be positive");
    }
    if (!logCompaction && topicDefaults.cleanupPolicy().compacts()) {
      throw new IllegalArgumentException(
          "Invalid runnel.topic-defaults: \"cleanup.policy\" compacts, but the storage has no log"
              + " compaction (topic-registry.log-compaction = off); allowed=delete");
    }
  }

  /**
   * Reads the settings from the {@code runnel} section of the configuration.
   *
   * @throws IllegalArgumentException naming the bad key and value
   */
  public static TopicRegistrySettings fromConfig(Config runnel) {
    Config registry = runnel.getConfig("topic-registry");
    return new TopicRegistrySettings(
        topicDefaults(runnel.getConfig("topic-defaults")),
        runnel.getInt("topic-defaults.partitions"),
        registry.getString("journal-plugin-id"),
        registry.getString("snapshot-plugin-id"),
        registry.getInt("snapshot-every-events"),
        registry.getInt("producer-id-block-size"),
        registry.getDuration("deletion-retry-delay"),
        registry.getBoolean("log-compaction"));
  }

  /**
   * The topic settings under {@code topic-defaults}, Kafka's defaults for those not there. Kafka's
   * dotted names must be quoted ({@code "retention.ms" = ...}): unquoted, HOCON reads them as
   * nested paths, which could silently sit beside the quoted default.
   */
  private static TopicConfig topicDefaults(Config defaults) {
    Map<String, String> settings = new HashMap<>();
    defaults
        .entrySet()
        .forEach(
            entry -> {
              List<String> path = ConfigUtil.splitPath(entry.getKey());
              if (path.size() != 1) {
                throw new IllegalArgumentException(
                    "Invalid runnel.topic-defaults: key="
                        + String.join(".", path)
                        + " is a nested path; quote Kafka's dotted names, e.g. \""
                        + String.join(".", path)
                        + "\" = ...");
              }
              if (!path.get(0).equals("partitions")) {
                settings.put(path.get(0), String.valueOf(entry.getValue().unwrapped()));
              }
            });
    try {
      return TopicConfigs.parse(settings, TopicConfig.KAFKA_DEFAULTS);
    } catch (RunnelException e) {
      throw new IllegalArgumentException("Invalid runnel.topic-defaults: " + e.getMessage(), e);
    }
  }

  private static void requireAtLeastOne(String key, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(
          "Invalid topic registry setting: " + key + "=" + value + " must be >= 1");
    }
  }
}
