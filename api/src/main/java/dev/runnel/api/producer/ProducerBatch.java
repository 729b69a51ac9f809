package dev.runnel.api.producer;

import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.persistence.record.CompressionCodec;
import dev.runnel.persistence.record.Header;
import dev.runnel.persistence.record.RecordBatch;
import dev.runnel.persistence.record.RecordBatchCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Records for one partition that will be appended together: the unit of sending, of retry and of
 * producer sequence numbers. It encodes each record as it is added (on the sending thread, as
 * Kafka's producer does); once drained it is sealed with its producer id, epoch and base sequence,
 * which completes the encoding exactly once, so that every retry sends the same bytes.
 *
 * <p>Not thread-safe: while it waits in the {@link RecordAccumulator} it is only touched under its
 * partition queue's lock; once polled from there it is closed and owned by the producer actor.
 */
final class ProducerBatch {

  /** One record waiting in a batch, and whom to tell where it was stored. */
  record Entry(
      long timestamp,
      byte[] key,
      byte[] value,
      List<Header> headers,
      int estimatedBytes,
      CompletableFuture<RecordMetadata> result) {}

  private final TopicPartition partition;
  private final long createdNanos;
  private final RecordBatchCodec.Writer writer;
  private final List<Entry> entries = new ArrayList<>();
  private long estimatedBytes = RecordSizes.BATCH_OVERHEAD;
  private boolean closed;
  private byte[] encoded;
  private long producerId = RecordBatch.NO_PRODUCER_ID;
  private int baseSequence = RecordBatch.NO_SEQUENCE;
  private int attempts;
  private boolean inFlight;
  private boolean maybeWritten;
  private long retryAtNanos;
  private RunnelException lastError;
  private boolean terminal;
  private boolean sentFirst;

  /**
   * An empty batch.
   *
   * @param writer encodes the records; the batch's estimate keeps them within its limit
   */
  ProducerBatch(TopicPartition partition, long createdNanos, RecordBatchCodec.Writer writer) {
    this.partition = partition;
    this.createdNanos = createdNanos;
    this.writer = writer;
  }

  TopicPartition partition() {
    return partition;
  }

  /** When the first record was added: the start of linger and of the delivery timeout. */
  long createdNanos() {
    return createdNanos;
  }

  List<Entry> entries() {
    return entries;
  }

  int recordCount() {
    return entries.size();
  }

  /** An upper bound of the encoded size, before compression. */
  long estimatedBytes() {
    return estimatedBytes;
  }

  /** The bytes of buffer memory the batch's records hold. */
  long bufferedBytes() {
    return estimatedBytes - RecordSizes.BATCH_OVERHEAD;
  }

  boolean isClosed() {
    return closed;
  }

  /** No more records go into this batch. */
  void close() {
    closed = true;
  }

  void add(Entry entry) {
    writer.add(entry.timestamp(), entry.key(), entry.value(), entry.headers());
    entries.add(entry);
    estimatedBytes += entry.estimatedBytes();
  }

  /**
   * Fixes the producer fields and finishes the encoding; only the first call does, so a retried
   * batch keeps its sequence numbers and bytes.
   *
   * @param producerId the idempotent producer's id, or {@link RecordBatch#NO_PRODUCER_ID}
   * @param producerEpoch its epoch, or {@link RecordBatch#NO_PRODUCER_EPOCH}
   * @param baseSequence the sequence of the first record, or {@link RecordBatch#NO_SEQUENCE}
   */
  byte[] seal(
      long producerId, short producerEpoch, int baseSequence, CompressionCodec compression) {
    if (encoded == null) {
      this.producerId = producerId;
      this.baseSequence = baseSequence;
      this.closed = true;
      this.encoded = writer.finish(producerId, producerEpoch, baseSequence, compression);
    }
    return encoded;
  }

  /**
   * Forgets the producer fields and the encoding, for a batch the log is known not to hold, so that
   * it can be sealed again under a new producer id.
   */
  void unseal() {
    encoded = null;
    producerId = RecordBatch.NO_PRODUCER_ID;
    baseSequence = RecordBatch.NO_SEQUENCE;
  }

  /** The encoded batch; only after {@link #seal}. */
  byte[] bytes() {
    return encoded;
  }

  /** Whether {@link #seal} ran: its sequence numbers are then taken. */
  boolean isSealed() {
    return encoded != null;
  }

  long producerId() {
    return producerId;
  }

  int baseSequence() {
    return baseSequence;
  }

  /** Counts one more send of the batch; returns how many there were, this one included. */
  int nextAttempt() {
    return ++attempts;
  }

  /** How many times the batch was sent. */
  int attempts() {
    return attempts;
  }

  /** Whether the batch was sent and is not answered yet. */
  boolean isInFlight() {
    return inFlight;
  }

  void inFlight(boolean value) {
    inFlight = value;
  }

  /**
   * Whether an attempt may have reached the log although no success came back (it timed out, or the
   * target went away): resending it under another producer id could then duplicate it.
   */
  boolean maybeWritten() {
    return maybeWritten;
  }

  void maybeWritten(boolean value) {
    maybeWritten = value;
  }

  /** When the batch may be sent again after a retriable failure. */
  long retryAtNanos() {
    return retryAtNanos;
  }

  /** The failure of the last attempt, or null. */
  RunnelException lastError() {
    return lastError;
  }

  /**
   * Records a failed attempt and when to try again.
   *
   * @param terminal whether sending again cannot help, so that the batch fails when its turn comes
   */
  void failedAttempt(RunnelException error, boolean terminal, long retryAt) {
    this.inFlight = false;
    this.lastError = error;
    this.terminal = terminal;
    this.retryAtNanos = retryAt;
  }

  /** Whether the last failure was one that sending again cannot help. */
  boolean isTerminal() {
    return terminal;
  }

  /**
   * Whether the last attempt went out with no earlier batch of the partition unresolved, so that an
   * {@code OUT_OF_ORDER_SEQUENCE_NUMBER} answer cannot be the echo of an earlier failure.
   */
  boolean sentFirst() {
    return sentFirst;
  }

  void sentFirst(boolean value) {
    sentFirst = value;
  }
}
