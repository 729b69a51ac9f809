package dev.runnel.api.consumer;

import dev.runnel.actors.TopicPartition;
import java.util.Set;

/**
 * Told what a group-subscribed stream's member holds as the group rebalances (Alpakka Kafka's
 * {@code PartitionAssignmentHandler}). Called on the member's actor, one call at a time and in the
 * order the member learned of the changes: an implementation must not block.
 */
public interface RebalanceListener {

  /** A listener that ignores everything. */
  RebalanceListener NONE =
      new RebalanceListener() {
        @Override
        public void assigned(String memberId, int generation, Set<TopicPartition> partitions) {}

        @Override
        public void revoked(int generation, Set<TopicPartition> partitions) {}
      };

  /**
   * The member holds {@code partitions} from now on (all of them, not only the new ones), in {@code
   * generation}; commits name this member id and generation. Called before the records of newly
   * assigned partitions are read.
   */
  void assigned(String memberId, int generation, Set<TopicPartition> partitions);

  /**
   * The member no longer holds {@code partitions}: revoked in a rebalance, or lost when the member
   * was removed from the group. Their sources complete; commits of them are refused from now on.
   */
  void revoked(int generation, Set<TopicPartition> partitions);
}
