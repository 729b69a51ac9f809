package dev.runnel.actors.group.assignor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.actors.TopicPartition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class CooperativeStickyAssignorTest {

  private final PartitionAssignor assignor = new CooperativeStickyAssignor();

  private static TopicPartition tp(String topic, int partition) {
    return new TopicPartition(topic, partition);
  }

  @Test
  void shouldMoveOnlyWhatANewMemberNeeds() {
    Map<String, Set<String>> subscriptions = Map.of("a", Set.of("t"), "b", Set.of("t"));
    Map<String, Set<TopicPartition>> first =
        assignor.assign(subscriptions, Map.of("t", 6), Map.of());
    assertEquals(3, first.get("a").size());
    assertEquals(3, first.get("b").size());

    Map<String, Set<String>> three = Map.of("a", Set.of("t"), "b", Set.of("t"), "c", Set.of("t"));
    Map<String, Set<TopicPartition>> second = assignor.assign(three, Map.of("t", 6), first);

    assertEquals(2, second.get("c").size());
    assertTrue(first.get("a").containsAll(second.get("a")));
    assertTrue(first.get("b").containsAll(second.get("b")));
    assertEquals(2, second.get("a").size());
    assertEquals(2, second.get("b").size());
  }

  @Test
  void shouldGiveALeavingMembersPartitionsToTheOthersOnly() {
    Map<String, Set<TopicPartition>> current =
        Map.of(
            "a", Set.of(tp("t", 0), tp("t", 1)),
            "b", Set.of(tp("t", 2), tp("t", 3)),
            "c", Set.of(tp("t", 4), tp("t", 5)));

    Map<String, Set<TopicPartition>> next =
        assignor.assign(Map.of("a", Set.of("t"), "b", Set.of("t")), Map.of("t", 6), current);

    assertTrue(next.get("a").containsAll(current.get("a")));
    assertTrue(next.get("b").containsAll(current.get("b")));
    assertEquals(3, next.get("a").size());
    assertEquals(3, next.get("b").size());
  }

  @Test
  void shouldDropPartitionsOfUnsubscribedTopicsAndKeepTheRest() {
    Map<String, Set<TopicPartition>> current =
        Map.of("a", Set.of(tp("x", 0), tp("y", 0)), "b", Set.of(tp("y", 1)));

    Map<String, Set<TopicPartition>> next =
        assignor.assign(
            Map.of("a", Set.of("y"), "b", Set.of("y")), Map.of("x", 1, "y", 2), current);

    assertEquals(Map.of("a", Set.of(tp("y", 0)), "b", Set.of(tp("y", 1))), next);
  }

  @Test
  void shouldHoldItsPromisesForRandomGroups() {
    Random random = new Random(20240611);
    for (int round = 0; round < 400; round++) {
      boolean sameTopics = round % 2 == 0;
      Map<String, Integer> partitionsByTopic = randomTopics(random);
      Map<String, Set<String>> subscriptions =
          randomSubscriptions(random, partitionsByTopic.keySet(), sameTopics);
      Map<String, Set<TopicPartition>> current =
          randomCurrent(random, subscriptions, partitionsByTopic);

      Map<String, Set<TopicPartition>> result =
          assignor.assign(subscriptions, partitionsByTopic, current);

      String facts = "round=" + round + ", subscriptions=" + subscriptions + ", current=" + current;
      assertComplete(result, subscriptions, partitionsByTopic, facts);
      assertBalanced(result, subscriptions, facts);
      if (sameTopics) {
        Map<String, Set<TopicPartition>> keepable =
            keepable(current, subscriptions, partitionsByTopic);
        int total = partitionsByTopic.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(mostKeepable(keepable, total), kept(keepable, result), facts);
      }
      assertEquals(
          result,
          assignor.assign(
              shuffled(random, subscriptions), partitionsByTopic, shuffled(random, current)),
          facts);
      assertEquals(result, assignor.assign(subscriptions, partitionsByTopic, result), facts);
    }
  }

  private static Map<String, Integer> randomTopics(Random random) {
    Map<String, Integer> topics = new HashMap<>();
    int count = 1 + random.nextInt(4);
    for (int i = 0; i < count; i++) {
      topics.put("t" + i, 1 + random.nextInt(12));
    }
    return topics;
  }

  private static Map<String, Set<String>> randomSubscriptions(
      Random random, Set<String> topics, boolean sameTopics) {
    Map<String, Set<String>> subscriptions = new HashMap<>();
    int members = 1 + random.nextInt(7);
    for (int i = 0; i < members; i++) {
      Set<String> subscribed = new TreeSet<>();
      for (String topic : topics) {
        if (sameTopics || random.nextBoolean()) {
          subscribed.add(topic);
        }
      }
      if (subscribed.isEmpty()) {
        subscribed.add(topics.iterator().next());
      }
      subscriptions.put("m" + random.nextInt(100), subscribed);
    }
    return subscriptions;
  }

  /** Partitions owned by members before: some present now, some gone, some claimed twice. */
  private static Map<String, Set<TopicPartition>> randomCurrent(
      Random random,
      Map<String, Set<String>> subscriptions,
      Map<String, Integer> partitionsByTopic) {
    List<String> owners = new ArrayList<>(subscriptions.keySet());
    owners.add("departed");
    Map<String, Set<TopicPartition>> current = new HashMap<>();
    partitionsByTopic.forEach(
        (topic, count) -> {
          for (int p = 0; p < count + 1; p++) {
            int pick = random.nextInt(owners.size() + 2);
            if (pick < owners.size()) {
              current.computeIfAbsent(owners.get(pick), o -> new HashSet<>()).add(tp(topic, p));
            }
            if (random.nextInt(20) == 0) {
              current
                  .computeIfAbsent(owners.get(random.nextInt(owners.size())), o -> new HashSet<>())
                  .add(tp(topic, p));
            }
          }
        });
    return current;
  }

  private static void assertComplete(
      Map<String, Set<TopicPartition>> result,
      Map<String, Set<String>> subscriptions,
      Map<String, Integer> partitionsByTopic,
      String facts) {
    assertEquals(subscriptions.keySet(), result.keySet(), facts);
    Set<TopicPartition> seen = new HashSet<>();
    result.forEach(
        (member, partitions) ->
            partitions.forEach(
                tp -> {
                  assertTrue(seen.add(tp), "twice: " + tp + ", " + facts);
                  assertTrue(subscriptions.get(member).contains(tp.topic()), facts);
                  assertTrue(tp.partition() < partitionsByTopic.get(tp.topic()), facts);
                }));
    Set<String> subscribed = new HashSet<>();
    subscriptions.values().forEach(subscribed::addAll);
    int expected = subscribed.stream().mapToInt(partitionsByTopic::get).sum();
    assertEquals(expected, seen.size(), facts);
  }

  /** No member could take a partition from a member that has two or more than it. */
  private static void assertBalanced(
      Map<String, Set<TopicPartition>> result,
      Map<String, Set<String>> subscriptions,
      String facts) {
    result.forEach(
        (donor, given) ->
            result.forEach(
                (receiver, taken) -> {
                  if (given.size() >= taken.size() + 2) {
                    assertTrue(
                        given.stream()
                            .noneMatch(tp -> subscriptions.get(receiver).contains(tp.topic())),
                        "unbalanced: donor=" + donor + ", receiver=" + receiver + ", " + facts);
                  }
                }));
  }

  /**
   * The current partitions each member could keep: those that exist, each with the first member by
   * id that claims it (all members on the same topics).
   */
  private static Map<String, Set<TopicPartition>> keepable(
      Map<String, Set<TopicPartition>> current,
      Map<String, Set<String>> subscriptions,
      Map<String, Integer> partitionsByTopic) {
    Set<TopicPartition> claimed = new HashSet<>();
    Map<String, Set<TopicPartition>> keepable = new HashMap<>();
    for (String member : new TreeSet<>(subscriptions.keySet())) {
      Set<TopicPartition> own = new HashSet<>();
      for (TopicPartition tp : current.getOrDefault(member, Set.of())) {
        Integer partitions = partitionsByTopic.get(tp.topic());
        if (partitions != null && tp.partition() < partitions && claimed.add(tp)) {
          own.add(tp);
        }
      }
      keepable.put(member, own);
    }
    return keepable;
  }

  /** The partitions a balanced assignment can keep at most. */
  private static int mostKeepable(Map<String, Set<TopicPartition>> keepable, int total) {
    List<Integer> sizes = new ArrayList<>();
    keepable.values().forEach(own -> sizes.add(own.size()));
    sizes.sort(Collections.reverseOrder());
    int quota = total / sizes.size();
    int larger = total % sizes.size();
    int most = 0;
    for (int i = 0; i < sizes.size(); i++) {
      most += Math.min(sizes.get(i), i < larger ? quota + 1 : quota);
    }
    return most;
  }

  private static int kept(
      Map<String, Set<TopicPartition>> keepable, Map<String, Set<TopicPartition>> result) {
    int kept = 0;
    for (Map.Entry<String, Set<TopicPartition>> entry : result.entrySet()) {
      Set<TopicPartition> before = keepable.get(entry.getKey());
      kept += (int) entry.getValue().stream().filter(before::contains).count();
    }
    return kept;
  }

  private static <V> Map<String, V> shuffled(Random random, Map<String, V> map) {
    List<String> keys = new ArrayList<>(map.keySet());
    Collections.shuffle(keys, random);
    Map<String, V> copy = new LinkedHashMap<>();
    keys.forEach(key -> copy.put(key, map.get(key)));
    return copy;
  }
}
