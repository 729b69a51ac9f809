package dev.runnel.actors.group.assignor;

import dev.runnel.actors.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kafka's round-robin assignor: every partition of every subscribed topic, sorted by topic and
 * number, is dealt in turn to the members sorted by member id, skipping members not subscribed to
 * its topic. Eager: ignores the current assignment.
 */
public final class RoundRobinAssignor implements PartitionAssignor {

  @Override
  public String name() {
    return PartitionAssignors.ROUND_ROBIN;
  }

  @Override
  public boolean cooperative() {
    return false;
  }

  @Override
  public Map<String, Set<TopicPartition>> assign(
      Map<String, Set<String>> subscribedTopicsByMember,
      Map<String, Integer> partitionsByTopic,
      Map<String, Set<TopicPartition>> current) {
    Map<String, Set<TopicPartition>> assignment = Assignments.empty(subscribedTopicsByMember);
    List<String> members = List.copyOf(assignment.keySet());
    int next = 0;
    for (TopicPartition tp : Assignments.partitions(subscribedTopicsByMember, partitionsByTopic)) {
      while (!subscribedTopicsByMember.get(members.get(next)).contains(tp.topic())) {
        next = (next + 1) % members.size();
      }
      assignment.get(members.get(next)).add(tp);
      next = (next + 1) % members.size();
    }
    return Assignments.frozen(assignment);
  }
}
