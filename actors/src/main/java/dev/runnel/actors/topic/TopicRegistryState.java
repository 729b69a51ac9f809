package dev.runnel.actors.topic;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The topic registry's state: every topic by name (deleting ones included, until their deletion
 * ends) and the end of the last reserved block of producer ids. Immutable; each change returns a
 * copy. Stored as a Protobuf snapshot by {@link TopicRegistrySerializer}.
 *
 * @param topics the topics, sorted by name
 * @param producerIdBlockEnd producer ids below this were handed out or skipped
 */
record TopicRegistryState(SortedMap<String, Topic> topics, long producerIdBlockEnd) {

  static final TopicRegistryState EMPTY = new TopicRegistryState(new TreeMap<>(), 0);

  TopicRegistryState {
    topics = Collections.unmodifiableSortedMap(new TreeMap<>(topics));
  }

  Optional<Topic> topic(String name) {
    return Optional.ofNullable(topics.get(name));
  }

  /** An existing topic whose name differs from {@code name} only in '.' versus '_'. */
  Optional<Topic> collidingWith(String name) {
    return topics.values().stream().filter(t -> TopicNames.collide(t.name(), name)).findFirst();
  }

  TopicRegistryState with(Topic topic) {
    SortedMap<String, Topic> changed = new TreeMap<>(topics);
    changed.put(topic.name(), topic);
    return new TopicRegistryState(changed, producerIdBlockEnd);
  }

  TopicRegistryState without(String name) {
    SortedMap<String, Topic> changed = new TreeMap<>(topics);
    changed.remove(name);
    return new TopicRegistryState(changed, producerIdBlockEnd);
  }

  TopicRegistryState withProducerIdBlockEnd(long blockEnd) {
    return new TopicRegistryState(topics, blockEnd);
  }

  /**
   * One topic as the registry keeps it.
   *
   * @param configs the topic's own settings, Kafka name to canonical value; the others follow the
   *     registry's defaults
   * @param topicId the id of this incarnation of the name, "" for topics created before ids
   */
  record Topic(
      String name, int partitions, Map<String, String> configs, boolean deleting, String topicId) {

    Topic {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(topicId, "topicId");
      configs = Map.copyOf(configs);
    }

    /** What the rest of the cluster sees of this topic, its settings over {@code defaults}. */
    TopicMetadata metadata(TopicConfig defaults) {
      return new TopicMetadata(
          name, partitions, TopicConfigs.parse(configs, defaults), deleting, topicId);
    }

    Topic withConfigs(Map<String, String> changed) {
      return new Topic(name, partitions, changed, deleting, topicId);
    }

    Topic withPartitions(int count) {
      return new Topic(name, count, configs, deleting, topicId);
    }

    Topic markedDeleting() {
      return new Topic(name, partitions, configs, true, topicId);
    }
  }
}
