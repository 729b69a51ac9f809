package dev.runnel.api.consumer;

/**
 * The offset of one record read in a consumer group, as Alpakka Kafka's {@code
 * ConsumerMessage.CommittableOffset}: committing it tells the group that this record and every
 * earlier one of its partition have been processed.
 */
public interface CommittableOffset extends Committable {

  /** The group, partition and offset of the record. */
  PartitionOffset partitionOffset();
}
