package dev.runnel.actors.group.assignor;

import dev.runnel.actors.TopicPartition;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * Kafka's cooperative-sticky assignor in effect (its own algorithm, same promises): the assignment
 * is as balanced as the subscriptions allow and keeps as many partitions with their current owner
 * as that balance allows, so a rebalance moves few partitions and the coordinator revokes only
 * those.
 *
 * <p>How: (1) every member keeps its current partitions that still exist and that it still
 * subscribes to (a partition two members claim stays with the first by member id); (2) each
 * partition without an owner goes to the subscribed member with the fewest partitions, partitions
 * with the fewest possible owners first; (3) while some member has at least two partitions more
 * than another member that could take one of them, the fullest such member gives one to the
 * emptiest, preferring a partition it did not own before (so nothing it kept moves needlessly).
 *
 * <p>When all members subscribe to the same topics the result is balanced within one partition and
 * moves the fewest partitions any balanced assignment could. Otherwise no member could take a
 * partition from a member with two more. Ties break by member id and partition order, so the result
 * depends only on the inputs.
 */
public final class CooperativeStickyAssignor implements PartitionAssignor {

  @Override
  public String name() {
    return PartitionAssignors.COOPERATIVE_STICKY;
  }

  @Override
  public boolean cooperative() {
    return true;
  }

  @Override
  public Map<String, Set<TopicPartition>> assign(
      Map<String, Set<String>> subscribedTopicsByMember,
      Map<String, Integer> partitionsByTopic,
      Map<String, Set<TopicPartition>> current) {
    SortedMap<String, Set<TopicPartition>> assignment = Assignments.empty(subscribedTopicsByMember);
    List<TopicPartition> all = Assignments.partitions(subscribedTopicsByMember, partitionsByTopic);
    Set<TopicPartition> existing = new HashSet<>(all);
    Map<TopicPartition, String> previousOwner = new HashMap<>();

    for (Map.Entry<String, Set<TopicPartition>> entry : assignment.entrySet()) {
      String member = entry.getKey();
      Set<String> topics = subscribedTopicsByMember.get(member);
      for (TopicPartition tp : current.getOrDefault(member, Set.of())) {
        if (existing.contains(tp)
            && topics.contains(tp.topic())
            && previousOwner.putIfAbsent(tp, member) == null) {
          entry.getValue().add(tp);
        }
      }
    }

    Map<String, List<String>> subscribers = new HashMap<>();
    for (String topic : Assignments.subscribedTopics(subscribedTopicsByMember, partitionsByTopic)) {
      subscribers.put(topic, Assignments.subscribersOf(topic, subscribedTopicsByMember));
    }
    all.stream()
        .filter(tp -> !previousOwner.containsKey(tp))
        .sorted(
            Comparator.<TopicPartition>comparingInt(tp -> subscribers.get(tp.topic()).size())
                .thenComparing(Assignments.ORDER))
        .forEach(tp -> assignment.get(emptiest(subscribers.get(tp.topic()), assignment)).add(tp));

    while (moveOne(assignment, subscribedTopicsByMember, previousOwner)) {
      // each move lowers the sum of squared member sizes, so this ends
    }
    return Assignments.frozen(assignment);
  }

  /** The member with the fewest partitions among {@code members}, the first by id on a tie. */
  private static String emptiest(
      List<String> members, Map<String, Set<TopicPartition>> assignment) {
    String emptiest = members.get(0);
    for (String member : members) {
      if (assignment.get(member).size() < assignment.get(emptiest).size()) {
        emptiest = member;
      }
    }
    return emptiest;
  }

  /**
   * Moves one partition from the fullest member that has a partition some member with at least two
   * partitions fewer could take, to the emptiest such member; false if there is no such move. Among
   * equally full members one holding a partition it gained gives first, and it gives a gained
   * partition before one it kept.
   */
  private static boolean moveOne(
      SortedMap<String, Set<TopicPartition>> assignment,
      Map<String, Set<String>> subscriptions,
      Map<TopicPartition, String> previousOwner) {
    List<String> ascending =
        assignment.keySet().stream()
            .sorted(
                Comparator.<String>comparingInt(m -> assignment.get(m).size())
                    .thenComparing(Comparator.naturalOrder()))
            .toList();
    List<String> donors =
        assignment.keySet().stream()
            .sorted(
                Comparator.<String>comparingInt(m -> -assignment.get(m).size())
                    .thenComparing(m -> !hasGained(m, assignment, previousOwner))
                    .thenComparing(Comparator.naturalOrder()))
            .toList();
    for (String donor : donors) {
      int donorSize = assignment.get(donor).size();
      for (String receiver : ascending) {
        if (assignment.get(receiver).size() + 2 > donorSize) {
          break;
        }
        TopicPartition given =
            givable(donor, subscriptions.get(receiver), assignment, previousOwner);
        if (given != null) {
          assignment.get(donor).remove(given);
          assignment.get(receiver).add(given);
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The partition of {@code donor} the receiver could take: the first it gained in this assignment,
   * else the first it kept; null if the receiver subscribes to none of its topics.
   */
  private static TopicPartition givable(
      String donor,
      Set<String> receiverTopics,
      Map<String, Set<TopicPartition>> assignment,
      Map<TopicPartition, String> previousOwner) {
    TopicPartition kept = null;
    for (TopicPartition tp : assignment.get(donor)) {
      if (receiverTopics.contains(tp.topic())) {
        if (!donor.equals(previousOwner.get(tp))) {
          return tp;
        }
        if (kept == null) {
          kept = tp;
        }
      }
    }
    return kept;
  }

  private static boolean hasGained(
      String member,
      Map<String, Set<TopicPartition>> assignment,
      Map<TopicPartition, String> previousOwner) {
    return assignment.get(member).stream().anyMatch(tp -> !member.equals(previousOwner.get(tp)));
  }
}
