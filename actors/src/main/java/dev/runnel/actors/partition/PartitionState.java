package dev.runnel.actors.partition;

import dev.runnel.actors.partition.ProducerStates.BatchMetadata;
import dev.runnel.actors.topic.TopicConfig;
import dev.runnel.persistence.record.RecordBatch;
import java.util.Objects;

/**
 * A partition's state, built from its journal events only and snapshotted as Protobuf ({@link
 * PartitionSerializer}).
 *
 * <p>Invariants: {@code logStartOffset <= highWatermark}; the index's first entry, if any, is at
 * the log start offset; {@code lastSequenceNr} is the journal sequence number of the last event
 * applied (0 when none is, even if the journal's sequence numbers continue above deleted ones).
 *
 * <p>Immutable and thread-safe; each event yields a new state that shares the index and the
 * producer states with the old one where they did not change.
 *
 * @param logStartOffset the first readable offset
 * @param highWatermark the offset the next record gets: the log end, every offset below is durable
 * @param lastSequenceNr the journal sequence number of the last event applied
 * @param endPosition the bytes of all batches appended since the partition began (deleted ones
 *     too): the position of the next batch, which the index's positions are measured in
 * @param maxTimestamp the largest record timestamp of all batches, {@link RecordBatch#NO_TIMESTAMP}
 *     before the first
 * @param index the sparse offset, sequence-number, position and time index
 * @param producers the idempotent producers' state
 */
record PartitionState(
    long logStartOffset,
    long highWatermark,
    long lastSequenceNr,
    long endPosition,
    long maxTimestamp,
    OffsetIndex index,
    ProducerStates producers) {

  static final PartitionState EMPTY =
      new PartitionState(
          0, 0, 0, 0, RecordBatch.NO_TIMESTAMP, OffsetIndex.empty(), ProducerStates.empty());

  PartitionState {
    Objects.requireNonNull(index, "index");
    Objects.requireNonNull(producers, "producers");
    if (logStartOffset < 0 || logStartOffset > highWatermark || lastSequenceNr < 0) {
      throw new IllegalArgumentException(
          "Invalid partition state: logStartOffset="
              + logStartOffset
              + ", highWatermark="
              + highWatermark
              + ", lastSequenceNr="
              + lastSequenceNr);
    }
  }

  /**
   * This state after a batch was appended as event {@code sequenceNr}. A batch above the high
   * watermark means the events in between are gone (deleted by retention, with the snapshot that
   * covered them lost): the log then starts at this batch.
   *
   * @throws IllegalStateException if the batch starts below the high watermark: the journal holds
   *     events this state cannot follow
   */
  PartitionState withBatch(StoredBatch batch, long sequenceNr, long indexIntervalBytes) {
    if (batch.baseOffset() < highWatermark) {
      throw new IllegalStateException(
          "Batch does not continue the log: baseOffset="
              + batch.baseOffset()
              + ", highWatermark="
              + highWatermark
              + ", sequenceNr="
              + sequenceNr);
    }
    PartitionState base =
        batch.baseOffset() == highWatermark
            ? this
            : new PartitionState(
                    logStartOffset,
                    batch.baseOffset(),
                    lastSequenceNr,
                    endPosition,
                    maxTimestamp,
                    index,
                    producers)
                .withLogStart(batch.baseOffset(), lastSequenceNr);
    return base.append(batch, sequenceNr, indexIntervalBytes);
  }

  private PartitionState append(StoredBatch batch, long sequenceNr, long indexIntervalBytes) {
    OffsetIndex.Entry entry =
        new OffsetIndex.Entry(batch.baseOffset(), sequenceNr, endPosition, maxTimestamp);
    ProducerStates nextProducers = producers;
    long producerId = batch.producerId();
    if (producerId != RecordBatch.NO_PRODUCER_ID) {
      int firstSequence = batch.baseSequence();
      nextProducers =
          producers.withBatch(
              producerId,
              batch.producerEpoch(),
              new BatchMetadata(
                  firstSequence,
                  ProducerStates.lastSequence(firstSequence, batch.lastOffsetDelta()),
                  batch.baseOffset(),
                  batch.lastOffset(),
                  batch.maxTimestamp()));
    }
    return new PartitionState(
        logStartOffset,
        batch.lastOffset() + 1,
        sequenceNr,
        endPosition + batch.sizeInBytes(),
        Math.max(maxTimestamp, batch.maxTimestamp()),
        index.withBatch(entry, indexIntervalBytes),
        nextProducers);
  }

  /**
   * This state after the log start moved to {@code offset}, recorded as event {@code sequenceNr}.
   */
  PartitionState withLogStart(long offset, long sequenceNr) {
    long start = Math.min(Math.max(offset, logStartOffset), highWatermark);
    return new PartitionState(
        start,
        highWatermark,
        sequenceNr,
        endPosition,
        maxTimestamp,
        index.dropBelow(start),
        producers.expireBelow(start));
  }

  /**
   * Where the topic's retention moves the log start now, in steps of index entries: past every
   * batch older than {@code retention.ms} (all of them when the newest is), and past the oldest
   * batches as long as at least {@code retention.bytes} remain (Kafka's rule). The current log
   * start when nothing is due, or under {@code cleanup.policy=compact}.
   */
  long retentionStart(TopicConfig config, long now) {
    if (config.cleanupPolicy() == TopicConfig.CleanupPolicy.COMPACT) {
      return logStartOffset;
    }
    long start = logStartOffset;
    if (config.retentionMs() >= 0 && maxTimestamp != RecordBatch.NO_TIMESTAMP) {
      long cutoff = now - config.retentionMs();
      start =
          Math.max(
              start, maxTimestamp < cutoff ? highWatermark : index.retentionStartByTime(cutoff));
    }
    if (config.retentionBytes() >= 0) {
      start = Math.max(start, index.retentionStartBySize(endPosition, config.retentionBytes()));
    }
    return start;
  }

  /**
   * The journal sequence number to read from to find {@code offset}, which lies between the log
   * start and the high watermark: that of the index entry at or below it, or the next event's at
   * the high watermark.
   */
  long sequenceNrFor(long offset) {
    OffsetIndex.Entry entry = offset < highWatermark ? index.floor(offset) : null;
    return entry == null ? lastSequenceNr + 1 : entry.sequenceNr();
  }

  /**
   * The highest sequence number no longer needed once a snapshot of this state is stored: every
   * event below the first retained batch.
   */
  long deletableToSequenceNr() {
    return index.size() == 0 ? lastSequenceNr : index.get(0).sequenceNr() - 1;
  }

  /** The bytes of the retained batches. */
  long retainedBytes() {
    return index.size() == 0 ? 0 : endPosition - index.get(0).position();
  }
}
