package dev.runnel.actors.group.assignor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.runnel.actors.TopicPartition;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The range and round-robin assignors give what Kafka's give for the same inputs. */
class EagerAssignorsTest {

  private final PartitionAssignor range = PartitionAssignors.named("range").orElseThrow();
  private final PartitionAssignor roundRobin = PartitionAssignors.named("roundrobin").orElseThrow();

  private static TopicPartition tp(String topic, int partition) {
    return new TopicPartition(topic, partition);
  }

  @Test
  void shouldGiveConsecutiveRangesPerTopic() {
    Map<String, Set<TopicPartition>> assignment =
        range.assign(
            Map.of("c0", Set.of("t1", "t2"), "c1", Set.of("t1", "t2")),
            Map.of("t1", 3, "t2", 3),
            Map.of());

    assertEquals(
        Map.of(
            "c0", Set.of(tp("t1", 0), tp("t1", 1), tp("t2", 0), tp("t2", 1)),
            "c1", Set.of(tp("t1", 2), tp("t2", 2))),
        assignment);
  }

  @Test
  void shouldGiveTheExtraPartitionsToTheFirstMembersInRange() {
    Map<String, Set<TopicPartition>> assignment =
        range.assign(
            Map.of("b", Set.of("t"), "a", Set.of("t"), "c", Set.of("t")), Map.of("t", 5), Map.of());

    assertEquals(
        Map.of(
            "a", Set.of(tp("t", 0), tp("t", 1)),
            "b", Set.of(tp("t", 2), tp("t", 3)),
            "c", Set.of(tp("t", 4))),
        assignment);
  }

  @Test
  void shouldRangeOverTheSubscribersOfEachTopicOnly() {
    Map<String, Set<TopicPartition>> assignment =
        range.assign(
            Map.of("c1", Set.of("t1"), "c2", Set.of("t1", "t2"), "c3", Set.of("t1")),
            Map.of("t1", 3, "t2", 2),
            Map.of());

    assertEquals(
        Map.of(
            "c1", Set.of(tp("t1", 0)),
            "c2", Set.of(tp("t1", 1), tp("t2", 0), tp("t2", 1)),
            "c3", Set.of(tp("t1", 2))),
        assignment);
  }

  @Test
  void shouldDealPartitionsInTurnInRoundRobin() {
    Map<String, Set<TopicPartition>> assignment =
        roundRobin.assign(
            Map.of("c1", Set.of("t1", "t2"), "c2", Set.of("t1", "t2")),
            Map.of("t1", 3, "t2", 3),
            Map.of());

    assertEquals(
        Map.of(
            "c1", Set.of(tp("t1", 0), tp("t1", 2), tp("t2", 1)),
            "c2", Set.of(tp("t1", 1), tp("t2", 0), tp("t2", 2))),
        assignment);
  }

  @Test
  void shouldSkipMembersNotSubscribedInRoundRobin() {
    Map<String, Set<TopicPartition>> assignment =
        roundRobin.assign(
            Map.of("c1", Set.of("t1"), "c2", Set.of("t1", "t2"), "c3", Set.of("t1")),
            Map.of("t1", 3, "t2", 2),
            Map.of());

    assertEquals(
        Map.of(
            "c1", Set.of(tp("t1", 0)),
            "c2", Set.of(tp("t1", 1), tp("t2", 0), tp("t2", 1)),
            "c3", Set.of(tp("t1", 2))),
        assignment);
  }

  @Test
  void shouldIgnoreTheCurrentAssignmentAndUnknownTopics() {
    Map<String, Set<String>> subscriptions = Map.of("a", Set.of("t", "gone"), "b", Set.of("t"));
    Map<String, Set<TopicPartition>> current = Map.of("a", Set.of(tp("t", 1), tp("gone", 0)));

    for (PartitionAssignor assignor : new PartitionAssignor[] {range, roundRobin}) {
      assertEquals(
          assignor.assign(subscriptions, Map.of("t", 2), Map.of()),
          assignor.assign(subscriptions, Map.of("t", 2), current));
      assertFalse(assignor.cooperative());
    }
    assertEquals(
        Map.of("a", Set.of(tp("t", 0)), "b", Set.of(tp("t", 1))),
        range.assign(subscriptions, Map.of("t", 2), current));
  }

  @Test
  void shouldKnowTheAssignorsByName() {
    assertEquals(
        java.util.List.of("range", "roundrobin", "cooperative-sticky"), PartitionAssignors.names());
    assertFalse(PartitionAssignors.named("sticky").isPresent());
  }
}
