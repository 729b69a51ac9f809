package dev.runnel.actors.group;

import dev.runnel.actors.topic.TopicConfig;
import dev.runnel.actors.topic.TopicConfigLookup;
import dev.runnel.actors.topic.TopicMetadata;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Topics a test creates, grows, deletes and re-creates, as a node's metadata cache shows them. */
final class GroupTestTopics implements TopicConfigLookup {

  private final Map<String, TopicMetadata> topics = new ConcurrentHashMap<>();

  @Override
  public Optional<TopicMetadata> topic(String name) {
    return Optional.ofNullable(topics.get(name));
  }

  @Override
  public List<TopicMetadata> all() {
    return topics.values().stream().sorted(Comparator.comparing(TopicMetadata::name)).toList();
  }

  /** Creates the topic, or creates it again with a new id. */
  GroupTestTopics create(String name, int partitions) {
    topics.put(
        name,
        new TopicMetadata(
            name, partitions, TopicConfig.KAFKA_DEFAULTS, false, UUID.randomUUID().toString()));
    return this;
  }

  void grow(String name, int partitions) {
    topics.computeIfPresent(
        name, (n, t) -> new TopicMetadata(n, partitions, t.config(), t.deleting(), t.topicId()));
  }

  void delete(String name) {
    topics.remove(name);
  }
}
