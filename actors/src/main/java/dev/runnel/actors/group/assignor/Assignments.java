package dev.runnel.actors.group.assignor;

import dev.runnel.actors.TopicPartition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the assignors share: sorted views of their inputs, so their results never depend on map
 * order.
 */
final class Assignments {

  /** Topic partitions by topic name, then number. */
  static final Comparator<TopicPartition> ORDER =
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  private Assignments() {}

  /** An empty, sorted assignment per member, sorted by member id. */
  static SortedMap<String, Set<TopicPartition>> empty(Map<String, Set<String>> subscriptions) {
    SortedMap<String, Set<TopicPartition>> empty = new TreeMap<>();
    subscriptions.keySet().forEach(member -> empty.put(member, new TreeSet<>(ORDER)));
    return empty;
  }

  /** The topics some member subscribes to and that have a partition count, sorted. */
  static SortedSet<String> subscribedTopics(
      Map<String, Set<String>> subscriptions, Map<String, Integer> partitionsByTopic) {
    SortedSet<String> topics = new TreeSet<>();
    subscriptions.values().forEach(topics::addAll);
    topics.retainAll(partitionsByTopic.keySet());
    return topics;
  }

  /** Every partition of the subscribed topics, sorted by {@link #ORDER}. */
  static List<TopicPartition> partitions(
      Map<String, Set<String>> subscriptions, Map<String, Integer> partitionsByTopic) {
    List<TopicPartition> all = new ArrayList<>();
    for (String topic : subscribedTopics(subscriptions, partitionsByTopic)) {
      for (int p = 0; p < partitionsByTopic.get(topic); p++) {
        all.add(new TopicPartition(topic, p));
      }
    }
    return all;
  }

  /** The members subscribed to the topic, sorted by member id. */
  static List<String> subscribersOf(String topic, Map<String, Set<String>> subscriptions) {
    return subscriptions.entrySet().stream()
        .filter(e -> e.getValue().contains(topic))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  /** An unmodifiable copy, sorted by member id and partition. */
  static Map<String, Set<TopicPartition>> frozen(Map<String, Set<TopicPartition>> assignment) {
    SortedMap<String, Set<TopicPartition>> copy = new TreeMap<>();
    assignment.forEach(
        (member, partitions) -> {
          SortedSet<TopicPartition> sorted = new TreeSet<>(ORDER);
          sorted.addAll(partitions);
          copy.put(member, Collections.unmodifiableSortedSet(sorted));
        });
    return Collections.unmodifiableSortedMap(copy);
  }
}
