package dev.runnel.actors.group.assignor;

import dev.runnel.actors.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kafka's range assignor: for each topic on its own, the members subscribed to it (sorted by member
 * id) get consecutive ranges of its partitions; the first {@code partitions % members} members get
 * one partition more. Eager: ignores the current assignment.
 */
public final class RangeAssignor implements PartitionAssignor {

  @Override
  public String name() {
    return PartitionAssignors.RANGE;
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
    for (String topic : Assignments.subscribedTopics(subscribedTopicsByMember, partitionsByTopic)) {
      List<String> members = Assignments.subscribersOf(topic, subscribedTopicsByMember);
      int partitions = partitionsByTopic.get(topic);
      int perMember = partitions / members.size();
      int extra = partitions % members.size();
      for (int i = 0; i < members.size(); i++) {
        int start = perMember * i + Math.min(i, extra);
        int length = perMember + (i < extra ? 1 : 0);
        for (int p = start; p < start + length; p++) {
          assignment.get(members.get(i)).add(new TopicPartition(topic, p));
        }
      }
    }
    return Assignments.frozen(assignment);
  }
}
