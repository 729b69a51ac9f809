package dev.runnel.api.consumer;

import akka.Done;
import dev.runnel.actors.TopicPartition;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Where the offsets of one consumer-group member are committed: the member, which knows its member
 * id, generation and partitions. Thread-safe.
 */
interface OffsetCommitter {

  /** The member's group. */
  String groupId();

  /** The executor every stage of {@link #commit} completes on. */
  Executor executor();

  /**
   * Commits {@code nextOffsets} (the offset after the last processed record, by partition) for the
   * partitions the member owns; leaves out the others.
   */
  CompletionStage<Done> commit(Map<TopicPartition, Long> nextOffsets);
}
