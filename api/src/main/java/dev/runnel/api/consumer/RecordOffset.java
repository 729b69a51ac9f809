package dev.runnel.api.consumer;

import akka.Done;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The {@link CommittableOffset} of one record: the partition's shared {@link AssignedPartition} and
 * the record's offset, so that each record costs one small object.
 */
final class RecordOffset implements CommittableOffset {

  private final AssignedPartition partition;
  private final long offset;

  RecordOffset(AssignedPartition partition, long offset) {
    this.partition = partition;
    this.offset = offset;
  }

  AssignedPartition partition() {
    return partition;
  }

  long offset() {
    return offset;
  }

  @Override
  public PartitionOffset partitionOffset() {
    return new PartitionOffset(partition.key(), offset);
  }

  @Override
  public CompletionStage<Done> commit() {
    return partition.committer().commit(Map.of(partition.key().topicPartition(), offset + 1));
  }

  @Override
  public long batchSize() {
    return 1;
  }

  @Override
  public String toString() {
    return "CommittableOffset[" + partition.key() + ", offset=" + offset + "]";
  }
}
