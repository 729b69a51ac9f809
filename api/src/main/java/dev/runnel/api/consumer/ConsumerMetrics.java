package dev.runnel.api.consumer;

/**
 * Counters of one consumer stream since it started, from {@link Consumer.Control#metrics()}. {@code
 * recordsReceived - recordsEmitted} is what the stream holds between the partitions and its
 * downstream: it stays within a few batches per partition however slow the downstream is.
 *
 * @param batchesReceived stored batches that came from the partitions' readers
 * @param recordsReceived records of those batches at or after the offsets being read
 * @param recordsEmitted records passed downstream
 * @param readerRestarts how often a partition's reader was opened again after it failed
 */
public record ConsumerMetrics(
    long batchesReceived, long recordsReceived, long recordsEmitted, long readerRestarts) {}
