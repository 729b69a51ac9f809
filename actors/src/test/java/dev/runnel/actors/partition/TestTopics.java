package dev.runnel.actors.partition;

import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.topic.TopicConfig;
import dev.runnel.actors.topic.TopicConfigLookup;
import dev.runnel.actors.topic.TopicMetadata;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/** A topic lookup whose topics tests create and change; a unique topic name per creation. */
final class TestTopics implements TopicConfigLookup {

  private static final AtomicInteger NAMES = new AtomicInteger();

  private final Map<String, TopicMetadata> topics = new ConcurrentHashMap<>();

  @Override
  public Optional<TopicMetadata> topic(String name) {
    return Optional.ofNullable(topics.get(name));
  }

  @Override
  public List<TopicMetadata> all() {
    return topics.values().stream().sorted(Comparator.comparing(TopicMetadata::name)).toList();
  }

  /** Partition 0 of a new one-partition topic with Kafka's default settings. */
  TopicPartition create() {
    return create(TopicConfig.KAFKA_DEFAULTS);
  }

  /** Partition 0 of a new one-partition topic with the given settings. */
  TopicPartition create(TopicConfig config) {
    String name = "topic-" + NAMES.incrementAndGet();
    topics.put(name, new TopicMetadata(name, 1, config, false));
    return new TopicPartition(name, 0);
  }

  /** Replaces a topic's metadata. */
  void update(String name, UnaryOperator<TopicMetadata> change) {
    topics.computeIfPresent(name, (key, metadata) -> change.apply(metadata));
  }

  void remove(String name) {
    topics.remove(name);
  }

  /** Kafka's defaults with other values for some settings. */
  static TopicConfig config(
      long retentionMs,
      long retentionBytes,
      int maxMessageBytes,
      dev.runnel.persistence.record.TimestampType timestampType,
      TopicConfig.TopicCompression compression) {
    TopicConfig d = TopicConfig.KAFKA_DEFAULTS;
    return new TopicConfig(
        retentionMs,
        retentionBytes,
        d.segmentBytes(),
        d.segmentMs(),
        d.cleanupPolicy(),
        maxMessageBytes,
        timestampType,
        compression);
  }
}
