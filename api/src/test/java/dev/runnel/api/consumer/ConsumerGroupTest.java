package dev.runnel.api.consumer;

import static dev.runnel.api.TestNode.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.NotUsed;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.japi.Pair;
import akka.stream.KillSwitches;
import akka.stream.UniqueKillSwitch;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.group.GroupDescription;
import dev.runnel.actors.group.GroupState;
import dev.runnel.api.Runnel;
import dev.runnel.api.TestNode;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.producer.Producer;
import dev.runnel.api.producer.ProducerRecord;
import dev.runnel.api.producer.ProducerSettings;
import dev.runnel.api.serialization.Serdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumer groups on a real node: members share the partitions, a dead member's partitions move to
 * the others and are read again from the group's committed offsets (at least once, duplicates only
 * from what the dead member had not committed), and the cooperative-sticky assignor moves only the
 * partitions that must move.
 */
class ConsumerGroupTest {

  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(2);

  @TempDir static Path dataDir;
  private static Runnel runnel;

  @BeforeAll
  static void startNode() {
    runnel = TestNode.start(dataDir, Map.of("runnel.group.min-session-timeout", "500ms"));
  }

  @AfterAll
  static void stopNode() {
    runnel.close();
  }

  static ConsumerSettings<String, String> groupSettings(Runnel runnel, String group) {
    return ConsumerSettings.create(
            runnel, Serdes.String().deserializer(), Serdes.String().deserializer())
        .withGroupId(group)
        .withAutoOffsetReset(AutoOffsetReset.EARLIEST)
        .withSessionTimeout(SESSION_TIMEOUT)
        .withHeartbeatInterval(Duration.ofMillis(200))
        .withMaxPollInterval(Duration.ofSeconds(5));
  }

  /** Writes records {@code from..from+count-1} to every partition, in order per partition. */
  static void produce(Runnel runnel, String topic, int partitions, int from, int count) {
    List<ProducerRecord<String, String>> records = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      for (int p = 0; p < partitions; p++) {
        records.add(new ProducerRecord<>(topic, p, null, Integer.toString(i)));
      }
    }
    result(
        Source.from(records)
            .runWith(
                Producer.plainSink(
                    ProducerSettings.create(
                        runnel, Serdes.String().serializer(), Serdes.String().serializer())),
                runnel.system()));
  }

  /** The group once it is stable with {@code members} members; fails after {@code within}. */
  static GroupDescription awaitStable(Runnel runnel, String group, int members, Duration within) {
    TestProbe<Object> probe = TestProbe.create(runnel.system());
    return probe.awaitAssert(
        within,
        Duration.ofMillis(50),
        () -> {
          GroupDescription described = result(runnel.admin().describeConsumerGroup(group));
          assertEquals(GroupState.STABLE, described.state(), described.toString());
          assertEquals(members, described.members().size(), described.toString());
          return described;
        });
  }

  /** Checks that the members' assignments are disjoint and cover the topic's partitions. */
  static void assertDisjointAndCovering(GroupDescription group, String topic, int partitions) {
    Set<TopicPartition> all = new HashSet<>();
    int count = 0;
    for (GroupDescription.MemberDescription member : group.members()) {
      all.addAll(member.assignment());
      count += member.assignment().size();
    }
    assertEquals(partitions, count, "no partition twice: " + group);
    for (int p = 0; p < partitions; p++) {
      assertTrue(all.contains(new TopicPartition(topic, p)), "partition " + p + ": " + group);
    }
  }

  /**
   * One consumer of the group: a committable source, its deliveries and its acknowledged commits.
   */
  static final class Member {
    final List<Pair<TopicPartition, Long>> delivered = new CopyOnWriteArrayList<>();
    final Map<TopicPartition, Long> acknowledged = new ConcurrentHashMap<>();
    final Consumer.Control control;
    final UniqueKillSwitch killSwitch;
    final CompletionStage<Done> done;

    Member(Runnel runnel, String group, String topic, CommitterSettings committer) {
      Pair<Pair<Consumer.Control, UniqueKillSwitch>, CompletionStage<Done>> running =
          Consumer.committableSource(groupSettings(runnel, group), Subscriptions.topics(topic))
              .map(
                  message -> {
                    ConsumerRecord<String, String> record = message.record();
                    delivered.add(Pair.create(record.topicPartition(), record.offset()));
                    return message.committableOffset();
                  })
              .viaMat(KillSwitches.single(), Keep.both())
              .via(Committer.batchFlow(committer))
              .map(
                  batch -> {
                    batch
                        .offsets()
                        .forEach(
                            (key, offset) ->
                                acknowledged.merge(key.topicPartition(), offset + 1, Math::max));
                    return batch;
                  })
              .toMat(Sink.ignore(), Keep.both())
              .run(runnel.system());
      control = running.first().first();
      killSwitch = running.first().second();
      done = running.second();
    }

    Map<TopicPartition, Long> lastDelivered() {
      Map<TopicPartition, Long> last = new HashMap<>();
      delivered.forEach(d -> last.merge(d.first(), d.second(), Math::max));
      return last;
    }

    long acknowledgedRecords() {
      Map<TopicPartition, Long> firsts = new HashMap<>();
      delivered.forEach(d -> firsts.merge(d.first(), d.second(), Math::min));
      return acknowledged.entrySet().stream()
          .mapToLong(e -> e.getValue() - firsts.getOrDefault(e.getKey(), e.getValue()))
          .sum();
    }
  }

  @Test
  void shouldSharePartitionsAndMoveADeadMembersPartitionsResumingFromItsLastCommit() {
    assertSharedAndTakenOverFromTheLastCommit(runnel, runnel, "shared", "sharing");
  }

  /** The group's committed offsets. */
  static Map<TopicPartition, Long> committed(Runnel node, String group) {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    result(node.admin().listConsumerGroupOffsets(group))
        .forEach((tp, offset) -> offsets.put(tp, offset.committedOffset()));
    return offsets;
  }

  static Map<TopicPartition, Long> everyPartitionAt(String topic, int partitions, long at) {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      offsets.put(new TopicPartition(topic, p), at);
    }
    return offsets;
  }

  /**
   * Three committable-source members of {@code consumers} (the node itself, or a remote client of
   * it) share a 12-partition topic of {@code node}; one fails, and the others take its partitions
   * over from its last commit: every record is delivered, duplicates are exactly what the lost
   * member had not committed, and what was acknowledged is what the group has.
   */
  static void assertSharedAndTakenOverFromTheLastCommit(
      Runnel node, Runnel consumers, String topic, String group) {
    int partitions = 12;
    result(node.admin().createTopic(new NewTopic(topic, partitions)));
    // Commits in batches of 30 and never by time: whatever a member received beyond its last full
    // batch stays uncommitted, so the dead member leaves an uncommitted window behind.
    CommitterSettings committer =
        CommitterSettings.create(consumers).withMaxBatch(30).withMaxInterval(Duration.ofMinutes(5));
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      members.add(new Member(consumers, group, topic, committer));
    }
    GroupDescription three = awaitStable(node, group, 3, Duration.ofSeconds(20));
    assertDisjointAndCovering(three, topic, partitions);

    produce(node, topic, partitions, 0, 100);
    TestProbe<Object> probe = TestProbe.create(node.system());
    probe.awaitAssert(
        Duration.ofSeconds(20),
        () -> {
          for (Member member : members) {
            long delivered = member.delivered.size();
            assertEquals(delivered - delivered % 30, member.acknowledgedRecords());
          }
          assertEquals(1200, members.stream().mapToInt(m -> m.delivered.size()).sum());
          return null;
        });
    Map<TopicPartition, Integer> owners = new HashMap<>();
    for (int m = 0; m < members.size(); m++) {
      for (Pair<TopicPartition, Long> d : members.get(m).delivered) {
        Integer before = owners.put(d.first(), m);
        assertTrue(before == null || before == m, "one member per partition: " + d);
      }
    }
    assertEquals(partitions, owners.size(), "every partition was consumed");
    Map<TopicPartition, Long> acknowledged = new HashMap<>();
    members.forEach(m -> acknowledged.putAll(m.acknowledged));
    assertEquals(acknowledged, committed(node, group), "acknowledged commits are the group's");

    Member victim = members.get(0);
    Set<TopicPartition> victimPartitions = victim.lastDelivered().keySet();
    Map<TopicPartition, Long> victimCommitted = Map.copyOf(victim.acknowledged);
    long uncommittedWindow = 0;
    for (TopicPartition tp : victimPartitions) {
      uncommittedWindow +=
          victim.lastDelivered().get(tp) + 1 - victimCommitted.getOrDefault(tp, 0L);
    }
    assertTrue(uncommittedWindow > 0, "the victim leaves records it did not commit");
    victim.killSwitch.abort(new IllegalStateException("member killed"));
    // The failed stream's member leaves at once: well within the session timeout, which would
    // otherwise have to expire.
    GroupDescription two = awaitStable(node, group, 2, SESSION_TIMEOUT);
    assertDisjointAndCovering(two, topic, partitions);

    produce(node, topic, partitions, 100, 50);
    List<Member> survivors = members.subList(1, 3);
    probe.awaitAssert(
        Duration.ofSeconds(20),
        () -> {
          Set<Pair<TopicPartition, Long>> seen = new HashSet<>();
          members.forEach(m -> seen.addAll(m.delivered));
          assertEquals(1800, seen.size(), "every record was delivered");
          return null;
        });

    long deliveries = members.stream().mapToLong(m -> m.delivered.size()).sum();
    assertEquals(
        uncommittedWindow,
        deliveries - 1800,
        "duplicates are exactly the records the victim received after its last commit");
    for (TopicPartition tp : victimPartitions) {
      long resumedAt =
          survivors.stream()
              .flatMap(m -> m.delivered.stream())
              .filter(d -> d.first().equals(tp))
              .mapToLong(Pair::second)
              .min()
              .orElseThrow();
      assertEquals(
          (long) victimCommitted.getOrDefault(tp, 0L),
          resumedAt,
          "partition " + tp + " resumed at the victim's last committed offset");
    }
    for (Member survivor : survivors) {
      result(
          survivor.control.drainAndShutdown(survivor.done, consumers.system().executionContext()));
    }
    assertEquals(everyPartitionAt(topic, partitions, 150), committed(node, group));
    assertEquals(GroupState.EMPTY, result(node.admin().describeConsumerGroup(group)).state());
  }

  /**
   * A member reading each partition as a source of its own, noting which sources started and ended.
   */
  private static final class PartitionedMember {
    private final Runnel runnel;
    final Map<TopicPartition, Integer> started = new ConcurrentHashMap<>();
    final Set<TopicPartition> ended = ConcurrentHashMap.newKeySet();
    final Map<TopicPartition, Long> lastOffset = new ConcurrentHashMap<>();
    final Consumer.Control control;

    PartitionedMember(Runnel runnel, String group, String topic) {
      this.runnel = runnel;
      control =
          Consumer.committablePartitionedSource(
                  groupSettings(runnel, group), Subscriptions.topics(topic))
              .map(this::run)
              .to(Sink.ignore())
              .run(runnel.system());
    }

    private NotUsed run(
        Pair<TopicPartition, Source<CommittableMessage<String, String>, NotUsed>> partition) {
      TopicPartition tp = partition.first();
      started.merge(tp, 1, Integer::sum);
      partition
          .second()
          .runWith(Sink.foreach(m -> lastOffset.put(tp, m.record().offset())), runnel.system())
          .whenCompleteAsync((done, failure) -> ended.add(tp), runnel.system().executionContext());
      return NotUsed.getInstance();
    }

    Set<TopicPartition> reading() {
      Set<TopicPartition> reading = new HashSet<>(started.keySet());
      reading.removeAll(ended);
      return reading;
    }
  }

  @Test
  void shouldKeepConsumingKeptPartitionsWhenACooperativeRebalanceAddsAMember() {
    assertKeptPartitionsReadOnWhenACooperativeRebalanceAddsAMember(
        runnel, runnel, "sticky", "sticky-group");
  }

  /**
   * Three partitioned-source members of {@code consumers} (the node itself, or a remote client of
   * it) read a 12-partition topic of {@code node}; a fourth joins, and only the partitions that
   * move to it are stopped: the others' sources go on, never restarted.
   */
  static void assertKeptPartitionsReadOnWhenACooperativeRebalanceAddsAMember(
      Runnel node, Runnel consumers, String topic, String group) {
    int partitions = 12;
    result(node.admin().createTopic(new NewTopic(topic, partitions)));
    List<PartitionedMember> members = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      members.add(new PartitionedMember(consumers, group, topic));
    }
    GroupDescription three = awaitStable(node, group, 3, Duration.ofSeconds(20));
    assertEquals("cooperative-sticky", three.assignor());
    TestProbe<Object> probe = TestProbe.create(node.system());
    probe.awaitAssert(
        () -> {
          assertEquals(
              partitions, members.stream().mapToInt(m -> m.reading().size()).sum(), "all read");
          return null;
        });
    Map<Integer, Set<TopicPartition>> before = new HashMap<>();
    for (int i = 0; i < 3; i++) {
      before.put(i, Set.copyOf(members.get(i).reading()));
    }

    members.add(new PartitionedMember(consumers, group, topic));
    GroupDescription four = awaitStable(node, group, 4, Duration.ofSeconds(20));
    assertDisjointAndCovering(four, topic, partitions);
    probe.awaitAssert(
        () -> {
          assertEquals(3, members.get(3).reading().size(), "the new member reads its share");
          return null;
        });

    Set<TopicPartition> moved = members.get(3).reading();
    probe.awaitAssert(
        () -> {
          for (int i = 0; i < 3; i++) {
            PartitionedMember member = members.get(i);
            Set<TopicPartition> kept = new HashSet<>(before.get(i));
            kept.removeAll(moved);
            Set<TopicPartition> gaveAway = new HashSet<>(before.get(i));
            gaveAway.retainAll(moved);
            assertEquals(3, kept.size(), "each keeps three: " + before + ", moved " + moved);
            assertEquals(gaveAway, member.ended, "only the partitions that moved were stopped");
            for (TopicPartition tp : kept) {
              assertEquals(1, member.started.get(tp), "a kept partition's source never restarted");
            }
          }
          return null;
        });

    produce(node, topic, partitions, 0, 5);
    probe.awaitAssert(
        () -> {
          for (PartitionedMember member : members) {
            for (TopicPartition tp : member.reading()) {
              assertEquals(4L, member.lastOffset.get(tp), "reading " + tp + " on");
            }
          }
          return null;
        });
    members.forEach(m -> result(m.control.shutdown()));
    // Each inner source reports its end on its own, after the shutdown may have completed.
    probe.awaitAssert(
        () -> {
          members.forEach(
              m ->
                  assertFalse(
                      m.reading().stream().findAny().isPresent(), "shutdown ends every source"));
          return null;
        });
  }

  @Test
  void shouldRebalanceOverPatternSubscriptionsAndFailWithoutAnOffsetWhenResetIsNone() {
    result(runnel.admin().createTopic(new NewTopic("pattern-a", 2)));
    produce(runnel, "pattern-a", 2, 0, 3);
    Set<TopicPartition> read = ConcurrentHashMap.newKeySet();
    Consumer.Control control =
        Consumer.plainSource(
                groupSettings(runnel, "patterns"), Subscriptions.topicPattern("pattern-.*"))
            .to(Sink.foreach(r -> read.add(r.topicPartition())))
            .run(runnel.system());
    TestProbe<Object> probe = TestProbe.create(runnel.system());
    probe.awaitAssert(
        () -> {
          assertEquals(2, read.size());
          return null;
        });
    result(runnel.admin().createTopic(new NewTopic("pattern-b", 1)));
    produce(runnel, "pattern-b", 1, 0, 1);
    probe.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          assertEquals(3, read.size(), "a new matching topic is assigned too");
          return null;
        });
    result(control.shutdown());
    Map<TopicPartition, Long> committed =
        result(runnel.admin().listConsumerGroupOffsets("patterns")).entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().committedOffset()));
    assertEquals(
        Map.of(
            new TopicPartition("pattern-a", 0), 3L,
            new TopicPartition("pattern-a", 1), 3L,
            new TopicPartition("pattern-b", 0), 1L),
        committed,
        "plainSource committed what it emitted when it shut down");

    CompletionStage<Done> failing =
        Consumer.plainSource(
                groupSettings(runnel, "no-offsets").withAutoOffsetReset(AutoOffsetReset.NONE),
                Subscriptions.topics("pattern-a"))
            .runWith(Sink.ignore(), runnel.system());
    TestNode.assertFails(dev.runnel.actors.error.ErrorCode.OFFSET_OUT_OF_RANGE, failing);
  }
}
