package dev.runnel.actors.partition;

import dev.runnel.actors.RunnelSerializable;
import dev.runnel.actors.TopicPartition;
import java.util.Objects;

/**
 * What a partition reports about its log, the answer to {@link PartitionCommand.GetPartitionInfo}.
 *
 * @param tp the partition
 * @param logStartOffset the first offset still readable
 * @param highWatermark the offset the next record will get; every offset below it is durable
 * @param sizeInBytes the bytes the log occupies in storage when the journal knows it, otherwise the
 *     bytes of the record batches from the log start offset on
 */
public record PartitionInfo(
    TopicPartition tp, long logStartOffset, long highWatermark, long sizeInBytes)
    implements RunnelSerializable {

  public PartitionInfo {
    Objects.requireNonNull(tp, "tp");
  }
}
