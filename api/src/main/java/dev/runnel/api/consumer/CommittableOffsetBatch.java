package dev.runnel.api.consumer;

import akka.Done;
import dev.runnel.actors.TopicPartition;
import dev.runnel.api.internal.Completions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Many committable offsets committed together, as Alpakka Kafka's {@code
 * ConsumerMessage.CommittableOffsetBatch}: per group and partition it keeps the highest offset
 * added, so a batch of a thousand records of one partition is one offset to write. {@link #commit}
 * sends one commit per group member the offsets came from.
 *
 * <p>Immutable and thread-safe: {@link #updated} returns a new batch.
 */
public final class CommittableOffsetBatch implements Committable {

  private static final CommittableOffsetBatch EMPTY = new CommittableOffsetBatch(Map.of(), 0);

  /** The newest offset per partition, and the member it was read by. */
  private record Entry(long offset, OffsetCommitter committer) {}

  private final Map<GroupTopicPartition, Entry> entries;
  private final long batchSize;

  private CommittableOffsetBatch(Map<GroupTopicPartition, Entry> entries, long batchSize) {
    this.entries = entries;
    this.batchSize = batchSize;
  }

  /** A batch with nothing in it. */
  public static CommittableOffsetBatch empty() {
    return EMPTY;
  }

  /** A batch of the given offsets (or batches). */
  public static CommittableOffsetBatch of(List<? extends Committable> committables) {
    Map<GroupTopicPartition, Entry> entries = new HashMap<>();
    long size = 0;
    for (Committable committable : committables) {
      size += add(entries, committable);
    }
    return new CommittableOffsetBatch(entries, size);
  }

  /** This batch with {@code committable} added. */
  public CommittableOffsetBatch updated(Committable committable) {
    Map<GroupTopicPartition, Entry> copy = new HashMap<>(entries);
    long added = add(copy, committable);
    return new CommittableOffsetBatch(copy, batchSize + added);
  }

  private static long add(Map<GroupTopicPartition, Entry> entries, Committable committable) {
    Objects.requireNonNull(committable, "committable");
    if (committable instanceof RecordOffset record) {
      AssignedPartition partition = record.partition();
      put(entries, partition.key(), new Entry(record.offset(), partition.committer()));
      return 1;
    }
    if (committable instanceof CommittableOffsetBatch batch) {
      batch.entries.forEach((key, entry) -> put(entries, key, entry));
      return batch.batchSize;
    }
    throw new IllegalArgumentException(
        "Not a committable of this consumer: class=" + committable.getClass().getName());
  }

  /**
   * Keeps the higher offset of a partition. A partition read again after it moved between members
   * goes back to an earlier offset: the newer member's offset wins then, being the one it can
   * commit.
   */
  private static void put(
      Map<GroupTopicPartition, Entry> entries, GroupTopicPartition key, Entry e) {
    entries.merge(
        key,
        e,
        (old, added) ->
            old.committer() == added.committer() && old.offset() > added.offset() ? old : added);
  }

  /** The offset of the last record of each group and partition in this batch. */
  public Map<GroupTopicPartition, Long> offsets() {
    Map<GroupTopicPartition, Long> offsets = new LinkedHashMap<>();
    entries.forEach((key, entry) -> offsets.put(key, entry.offset()));
    return Collections.unmodifiableMap(offsets);
  }

  /** How many offsets were added (records, not partitions). */
  @Override
  public long batchSize() {
    return batchSize;
  }

  /** Whether nothing was added. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  @Override
  public CompletionStage<Done> commit() {
    if (entries.isEmpty()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    Map<OffsetCommitter, Map<TopicPartition, Long>> byMember = new IdentityHashMap<>();
    entries.forEach(
        (key, entry) ->
            byMember
                .computeIfAbsent(entry.committer(), member -> new HashMap<>())
                .put(key.topicPartition(), entry.offset() + 1));
    if (byMember.size() == 1) {
      Map.Entry<OffsetCommitter, Map<TopicPartition, Long>> only =
          byMember.entrySet().iterator().next();
      return only.getKey().commit(only.getValue());
    }
    List<CompletableFuture<Done>> commits = new ArrayList<>();
    byMember.forEach(
        (member, offsets) -> commits.add(member.commit(offsets).toCompletableFuture()));
    OffsetCommitter any = byMember.keySet().iterator().next();
    return Completions.onExecutor(
        CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new))
            .thenApply(all -> Done.getInstance()),
        any.executor(),
        "request=commit, members=" + byMember.size());
  }

  @Override
  public String toString() {
    return "CommittableOffsetBatch[batchSize=" + batchSize + ", offsets=" + offsets() + "]";
  }
}
