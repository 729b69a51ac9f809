package dev.runnel.actors.partition;

/**
 * An event of a partition's journal. Nearly every event is a {@link StoredBatch}: the journal is
 * the log. {@link LogStartAdvanced} records that retention moved the log start offset, so that the
 * move survives a restart before the storage has deleted anything.
 */
public sealed interface PartitionEvent permits StoredBatch, LogStartAdvanced {}
