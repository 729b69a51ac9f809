package dev.runnel.api.consumer;

/**
 * A record's offset in a partition read by a consumer group (Alpakka Kafka's {@code
 * ConsumerMessage.PartitionOffset}).
 *
 * @param key the group and partition
 * @param offset the record's offset; committing it stores {@code offset + 1}, the next to read
 */
public record PartitionOffset(GroupTopicPartition key, long offset) {}
