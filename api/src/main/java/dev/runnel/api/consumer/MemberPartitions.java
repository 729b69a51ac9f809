package dev.runnel.api.consumer;

import akka.NotUsed;
import akka.japi.Pair;
import akka.stream.BoundedSourceQueue;
import akka.stream.KillSwitches;
import akka.stream.QueueOfferResult;
import akka.stream.SharedKillSwitch;
import akka.stream.javadsl.Source;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stream side of a consumer-group member, the same for {@link GroupMember} and {@link
 * RemoteGroupMember}: the stream's queue of partition sources, the partitions started into it (each
 * with its position and a kill switch), what the automatic commit last committed of each, and
 * whether the stream still takes partitions.
 *
 * <p>Not thread-safe: the member's actor uses it, one message at a time.
 */
final class MemberPartitions<K, V> {

  /** A started partition: its position, how to end its source, and what else ends with it. */
  private record Running(
      AssignedPartition partition, SharedKillSwitch killSwitch, Runnable ended) {}

  private final String groupId;
  private final BoundedSourceQueue<Pair<TopicPartition, Source<CommittableMessage<K, V>, NotUsed>>>
      queue;
  private final ConsumerMetricsCounter metrics;
  private final OffsetCommitter committer;
  private final Map<TopicPartition, Running> running = new HashMap<>();

  /** What the automatic commit last committed, by partition. */
  private final Map<TopicPartition, Long> autoCommitted = new HashMap<>();

  /** Set until the stream has no more use for new partitions. */
  private boolean consuming = true;

  MemberPartitions(GroupMember.Parts<K, V> parts, OffsetCommitter committer) {
    this.groupId = parts.settings().groupId();
    this.queue = parts.queue();
    this.metrics = parts.metrics();
    this.committer = committer;
  }

  /** Whether the stream still takes partitions. */
  boolean consuming() {
    return consuming;
  }

  /** The started partitions (a view). */
  Set<TopicPartition> running() {
    return running.keySet();
  }

  /**
   * Offers the stream a source of the partition made of {@code batches}, each record with its
   * committable offset.
   *
   * @param committed the group's committed offset, where the automatic commit starts from, or -1
   * @param ended run when the partition's source is ended here (revoked, lost, stream stopped)
   * @return whether the stream took it; when its queue is full the stream fails
   */
  boolean start(
      TopicPartition tp,
      Source<List<ConsumerRecord<K, V>>, NotUsed> batches,
      long committed,
      Runnable ended) {
    AssignedPartition partition =
        new AssignedPartition(new GroupTopicPartition(groupId, tp), committer);
    SharedKillSwitch killSwitch = KillSwitches.shared("partition-" + tp);
    Source<CommittableMessage<K, V>, NotUsed> source =
        batches
            .via(killSwitch.flow())
            .mapConcat(records -> Consumer.emitted(committable(records, partition), metrics));
    QueueOfferResult offered = queue.offer(Pair.create(tp, source));
    if (offered == QueueOfferResult.enqueued()) {
      running.put(tp, new Running(partition, killSwitch, ended));
      if (committed >= 0) {
        autoCommitted.put(tp, committed);
      }
      return true;
    }
    if (offered == QueueOfferResult.dropped()) {
      queue.fail(
          new RunnelException(
              ErrorCode.NOT_AVAILABLE,
              "Too many partitions waiting for the stream: groupId="
                  + groupId
                  + ", partition="
                  + tp));
    }
    return false;
  }

  /** The records of an assigned partition, each with its committable offset. */
  private static <K, V> List<CommittableMessage<K, V>> committable(
      List<ConsumerRecord<K, V>> records, AssignedPartition partition) {
    List<CommittableMessage<K, V>> messages = new ArrayList<>(records.size());
    for (ConsumerRecord<K, V> record : records) {
      messages.add(new CommittableMessage<>(record, new RecordOffset(partition, record.offset())));
    }
    return messages;
  }

  /**
   * Ends these partitions' sources at once (what they still hold is dropped) and forgets them.
   *
   * @return the positions the downstream reached in them since the last automatic commit, read
   *     after the sources ended so that nothing moves them any more
   */
  Map<TopicPartition, Long> stop(Set<TopicPartition> tps) {
    for (TopicPartition tp : tps) {
      Running r = running.get(tp);
      if (r != null) {
        r.killSwitch().shutdown();
        r.ended().run();
      }
    }
    Map<TopicPartition, Long> positions = consumedSinceLastCommit(tps);
    tps.forEach(
        tp -> {
          running.remove(tp);
          autoCommitted.remove(tp);
        });
    return positions;
  }

  /** Ends and forgets every partition (the member lost them all). */
  void stopAll() {
    running.values().forEach(this::end);
    running.clear();
    autoCommitted.clear();
  }

  private void end(Running r) {
    r.killSwitch().shutdown();
    r.ended().run();
  }

  /**
   * The positions the downstream reached in these partitions where they moved since the last
   * automatic commit; they count as committed from now on.
   */
  Map<TopicPartition, Long> consumedSinceLastCommit(Set<TopicPartition> tps) {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (TopicPartition tp : tps) {
      Running r = running.get(tp);
      if (r == null) {
        continue;
      }
      long position = r.partition().consumedPosition();
      if (position >= 0 && position != autoCommitted.getOrDefault(tp, -1L)) {
        offsets.put(tp, position);
        autoCommitted.put(tp, position);
      }
    }
    return offsets;
  }

  /**
   * The stream takes no more partitions: completes its queue and ends every source; the partitions
   * stay known for the last automatic commit.
   */
  void stopConsuming() {
    if (consuming) {
      consuming = false;
      endQueue(null);
      running.values().forEach(this::end);
    }
  }

  /** Fails the stream and every source with {@code error}. */
  void fail(RunnelException error) {
    endQueue(error);
    running.values().forEach(r -> r.killSwitch().abort(error));
    running.values().forEach(r -> r.ended().run());
    running.clear();
    consuming = false;
  }

  /** The member's actor stopped: the stream fails with {@code NOT_AVAILABLE} unless it ended. */
  void memberStopped(String memberId) {
    if (consuming) {
      fail(
          new RunnelException(
              ErrorCode.NOT_AVAILABLE,
              "Consumer group member stopped: groupId=" + groupId + ", memberId=" + memberId));
    }
  }

  /**
   * Completes the stream's queue, or fails it with {@code failure}; nothing when the stream has
   * ended already (the queue refuses a second end).
   */
  private void endQueue(Throwable failure) {
    try {
      if (failure == null) {
        queue.complete();
      } else {
        queue.fail(failure);
      }
    } catch (IllegalStateException alreadyEnded) {
      // The stream was cancelled or ended before: there is nothing left to end.
    }
  }
}
