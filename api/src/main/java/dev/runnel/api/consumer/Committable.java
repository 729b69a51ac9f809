package dev.runnel.api.consumer;

import akka.Done;
import java.util.concurrent.CompletionStage;

/**
 * Something that can be committed to a consumer group: one record's offset ({@link
 * CommittableOffset}) or many ({@link CommittableOffsetBatch}), as Alpakka Kafka's {@code
 * ConsumerMessage.Committable}. Commit through {@link Committer}, which batches, rather than one by
 * one.
 */
public interface Committable {

  /**
   * Commits: the group's committed offset of each partition becomes the offset after the record.
   * Completes once the coordinator has written it (Alpakka Kafka's {@code commitJavadsl}); fails
   * with a {@link dev.runnel.actors.error.RunnelException} when the coordinator refused it or did
   * not answer within {@code commit-timeout}. Offsets of partitions the consumer no longer owns
   * (they moved to another member in a rebalance) are left out: their new owner reads those records
   * again from the group's last committed offset.
   */
  CompletionStage<Done> commit();

  /** How many offsets this stands for (1 for one record's offset). */
  long batchSize();
}
