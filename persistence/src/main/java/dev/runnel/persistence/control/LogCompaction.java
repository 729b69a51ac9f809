package dev.runnel.persistence.control;

/**
 * Log compaction of one event-sourced log whose events include record batches: which events are
 * batches, and Kafka's compaction settings.
 *
 * @param batchSerializerId the Akka serializer id of the events that are one encoded record batch
 * @param batchManifest their serializer manifest
 * @param minCompactionLagMs {@code min.compaction.lag.ms}: records appended less than this long ago
 *     stay uncompacted
 * @param maxCompactionLagMs {@code max.compaction.lag.ms}: dirty records older than this are
 *     compacted whatever the dirty ratio; {@link Long#MAX_VALUE} for no such limit
 * @param minCleanableDirtyRatio {@code min.cleanable.dirty.ratio}: the share of not yet compacted
 *     bytes at which a log is compacted
 * @param deleteRetentionMs {@code delete.retention.ms}: how long tombstones stay once compacted
 */
public record LogCompaction(
    int batchSerializerId,
    String batchManifest,
    long minCompactionLagMs,
    long maxCompactionLagMs,
    double minCleanableDirtyRatio,
    long deleteRetentionMs) {}
