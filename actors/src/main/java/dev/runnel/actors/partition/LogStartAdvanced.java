package dev.runnel.actors.partition;

/**
 * Retention moved the partition's log start offset; the batches below it are no longer readable and
 * their journal events may be deleted. Serialized as Protobuf ({@code partition.proto}).
 *
 * @param logStartOffset the new log start offset
 */
public record LogStartAdvanced(long logStartOffset) implements PartitionEvent {}
