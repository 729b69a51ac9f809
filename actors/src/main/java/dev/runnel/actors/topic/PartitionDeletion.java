package dev.runnel.actors.topic;

import akka.Done;
import dev.runnel.actors.TopicPartition;
import java.util.concurrent.CompletionStage;

/**
 * Deletes one partition's log for good; the topic registry calls it for every partition of a topic
 * being deleted. The cluster layer implements it (by asking the partition entity).
 *
 * <p>It must be idempotent: the registry asks again after a failure and after a restart, also for
 * partitions already deleted or never written. It must complete, normally or exceptionally, within
 * a bounded time (an ask with a timeout): the registry retries a failed deletion but waits for one
 * that is pending.
 */
@FunctionalInterface
public interface PartitionDeletion {

  /** Deletes the partition's events and snapshots; completes when they are gone. */
  CompletionStage<Done> deletePartition(TopicPartition tp);
}
