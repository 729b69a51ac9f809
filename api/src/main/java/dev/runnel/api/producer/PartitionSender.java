package dev.runnel.api.producer;

import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.persistence.record.CompressionCodec;
import dev.runnel.persistence.record.RecordBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Sends one partition's batches in order and sees each through to success or failure: the
 * producer's delivery logic for a partition, kept apart from the actor that drives it so that its
 * rules can be tested without a broker.
 *
 * <p>The rules, as Kafka's idempotent producer keeps them:
 *
 * <ul>
 *   <li>Batches are sealed with the producer id, epoch 0 and the partition's next sequence number
 *       when first sent, and keep those (and their bytes) on every retry. Up to {@code
 *       max.in.flight.requests.per.connection} batches are in flight at once.
 *   <li>Any failure switches the partition to <em>recovery</em>: nothing new is sent; once every
 *       answer is in, the unanswered batches go out again one at a time, oldest first, after {@code
 *       retry.backoff.ms}. The log's sequence check (a resent batch it holds already is answered
 *       with its original offsets) makes the retries exactly-once, and sending one at a time keeps
 *       the order. Recovery ends when no batch is left.
 *   <li>A batch fails for good when its failure is not retriable, when {@code delivery.timeout.ms}
 *       passed since its first record was added, or when, sent with no earlier batch unresolved, it
 *       is answered {@code OUT_OF_ORDER_SEQUENCE_NUMBER} (the log lost track of this producer's
 *       sequence). {@code PRODUCER_FENCED} fails every batch and the producer for good.
 *   <li>A batch that fails for good leaves a gap in the sequence. Later batches that the log is
 *       known not to hold are then sealed again under a new producer id with sequences from 0; a
 *       later batch that may be in the log (its attempt timed out) is first resent as it was, which
 *       settles whether the gap is real.
 * </ul>
 *
 * <p>Without idempotence, batches have no sequence and recovery still resends them one at a time in
 * order, but a retry may then duplicate a batch that was written before its answer was lost.
 *
 * <p>Not thread-safe: owned by one producer actor. Times are {@link System#nanoTime()} values.
 */
final class PartitionSender {

  /** Where the outcome of each batch goes. */
  interface Outcomes {
    /**
     * The batch is in the log.
     *
     * @param baseOffset the first record's offset, or -1 when not known ({@code acks=none}, or a
     *     duplicate whose offsets the log did not report)
     * @param logAppendTime when the log appended it, or -1
     */
    void succeeded(ProducerBatch batch, long baseOffset, long logAppendTime);

    /** The batch failed for good. */
    void failed(ProducerBatch batch, RunnelException error);
  }

  /** What the producer knows about batches the log may lack after one failed for good. */
  private enum Gap {
    /** No batch failed since the last one the log holds. */
    NONE,
    /** A batch failed that may nevertheless be in the log. */
    UNKNOWN,
    /** A batch failed that the log does not hold: every later one needs a new sequence. */
    NOT_WRITTEN
  }

  private final TopicPartition partition;
  private final boolean idempotent;
  private final int maxInFlight;
  private final long deliveryTimeoutNanos;
  private final long retryBackoffNanos;
  private final CompressionCodec compression;
  private final Outcomes outcomes;

  /** Batches sent and not completed, in the order sent first: sequence order. */
  private final ArrayDeque<ProducerBatch> unresolved = new ArrayDeque<>();

  private int inFlight;
  private boolean recovering;
  private Gap gap = Gap.NONE;
  private long producerId = RecordBatch.NO_PRODUCER_ID;
  private boolean producerIdRequested;
  private boolean resetWanted;
  private int nextSequence;
  private RunnelException fatal;

  PartitionSender(
      TopicPartition partition,
      boolean idempotent,
      int maxInFlight,
      long deliveryTimeoutNanos,
      long retryBackoffNanos,
      CompressionCodec compression,
      Outcomes outcomes) {
    this.partition = partition;
    this.idempotent = idempotent;
    this.maxInFlight = maxInFlight;
    this.deliveryTimeoutNanos = deliveryTimeoutNanos;
    this.retryBackoffNanos = retryBackoffNanos;
    this.compression = compression;
    this.outcomes = outcomes;
  }

  /**
   * Whether this partition waits for a producer id: an idempotent producer's first, or a new one
   * after a gap in the sequence. The caller asks for one and calls {@link #producerIdAssigned}.
   */
  boolean needsProducerId() {
    return idempotent
        && fatal == null
        && !producerIdRequested
        && (producerId == RecordBatch.NO_PRODUCER_ID || resetWanted);
  }

  /** Notes that a producer id was asked for, so that it is asked for once. */
  void producerIdRequested() {
    producerIdRequested = true;
  }

  /**
   * Takes a new producer id: sequences start again at 0, and every batch waiting to be resent after
   * a gap is sealed again with it when it is sent.
   */
  void producerIdAssigned(long newProducerId) {
    producerIdRequested = false;
    if (producerId != RecordBatch.NO_PRODUCER_ID && !resetWanted) {
      return; // an answer to a request that a failure made moot; the current id stays
    }
    producerId = newProducerId;
    nextSequence = 0;
    if (resetWanted) {
      resetWanted = false;
      gap = Gap.NONE;
      unresolved.forEach(ProducerBatch::unseal);
    }
  }

  /**
   * Sends what may go now: in recovery the oldest unresolved batch once it may be retried, else
   * ready batches from the accumulator while fewer than {@code maxInFlight} are in flight.
   *
   * @param send sends one sealed batch; its answer comes back through {@link #onSuccess} or {@link
   *     #onFailure}
   */
  void drain(long nowNanos, RecordAccumulator accumulator, Consumer<ProducerBatch> send) {
    if (fatal != null) {
      return;
    }
    if (recovering) {
      recover(nowNanos, send);
      if (recovering) {
        return;
      }
    }
    while (inFlight < maxInFlight && hasProducerId()) {
      ProducerBatch batch = accumulator.poll(partition, nowNanos);
      if (batch == null) {
        return;
      }
      unresolved.addLast(batch);
      transmit(batch, send);
    }
  }

  private boolean hasProducerId() {
    return !idempotent || (producerId != RecordBatch.NO_PRODUCER_ID && !resetWanted);
  }

  private void recover(long nowNanos, Consumer<ProducerBatch> send) {
    while (inFlight == 0) {
      ProducerBatch head = unresolved.peekFirst();
      if (head == null) {
        if (idempotent && gap != Gap.NONE) {
          resetWanted = true;
          if (!hasProducerId()) {
            return;
          }
        }
        recovering = false;
        return;
      }
      if (head.isTerminal()) {
        failHead(head.lastError(), Gap.NOT_WRITTEN);
      } else if (nowNanos - head.createdNanos() >= deliveryTimeoutNanos) {
        failHead(deliveryTimedOut(head), head.maybeWritten() ? Gap.UNKNOWN : Gap.NOT_WRITTEN);
      } else if (idempotent && gap == Gap.NOT_WRITTEN && head.isSealed()) {
        resetWanted = true;
        return;
      } else if (head.isSealed() && nowNanos < head.retryAtNanos()) {
        return;
      } else if (!hasProducerId()) {
        return;
      } else {
        transmit(head, send);
        return;
      }
    }
  }

  private void failHead(RunnelException error, Gap gapLeft) {
    ProducerBatch head = unresolved.pollFirst();
    if (idempotent && head.isSealed()) {
      gap = gap == Gap.NOT_WRITTEN ? Gap.NOT_WRITTEN : gapLeft;
    }
    outcomes.failed(head, error);
  }

  private void transmit(ProducerBatch batch, Consumer<ProducerBatch> send) {
    if (!batch.isSealed()) {
      batch.seal(
          idempotent ? producerId : RecordBatch.NO_PRODUCER_ID,
          idempotent ? (short) 0 : RecordBatch.NO_PRODUCER_EPOCH,
          idempotent ? nextSequence : RecordBatch.NO_SEQUENCE,
          compression);
      if (idempotent) {
        nextSequence = incrementSequence(nextSequence, batch.recordCount());
      }
    }
    batch.nextAttempt();
    batch.inFlight(true);
    batch.sentFirst(unresolved.peekFirst() == batch);
    inFlight++;
    send.accept(batch);
  }

  /** Kafka's sequence arithmetic: sequences wrap from {@link Integer#MAX_VALUE} to 0. */
  static int incrementSequence(int sequence, int increment) {
    if (sequence > Integer.MAX_VALUE - increment) {
      return increment - (Integer.MAX_VALUE - sequence) - 1;
    }
    return sequence + increment;
  }

  /** The log holds the batch. Answers for batches no longer tracked are ignored. */
  void onSuccess(ProducerBatch batch, long baseOffset, long logAppendTime) {
    if (answered(batch)) {
      succeeded(batch, baseOffset, logAppendTime);
    }
  }

  private void succeeded(ProducerBatch batch, long baseOffset, long logAppendTime) {
    unresolved.remove(batch);
    if (recovering) {
      gap = Gap.NONE; // it was sent alone after every earlier batch: the log holds all before it
    }
    outcomes.succeeded(batch, baseOffset, logAppendTime);
  }

  /** The attempt failed with the partition's (or the ask's) error. */
  void onFailure(ProducerBatch batch, ErrorCode code, String message, long nowNanos) {
    if (!answered(batch)) {
      return;
    }
    RunnelException error = new RunnelException(code, message);
    switch (code) {
      case DUPLICATE_SEQUENCE_NUMBER -> succeeded(batch, -1, -1);
      case PRODUCER_FENCED -> {
        fatal = error;
        failAll(error);
      }
      case OUT_OF_ORDER_SEQUENCE_NUMBER -> {
        // Sent behind unresolved batches, it may only have overtaken one that failed. Sent first
        // after a gap, it shows that the gap is real; sent first without one, the log lost this
        // producer's sequence and the batch fails.
        boolean genuine = batch.sentFirst() && gap == Gap.NONE;
        if (batch.sentFirst() && gap == Gap.UNKNOWN) {
          gap = Gap.NOT_WRITTEN;
        }
        batch.failedAttempt(error, genuine, nowNanos + retryBackoffNanos);
        recovering = true;
      }
      default -> {
        if (code.retriable()) {
          batch.maybeWritten(true);
        }
        batch.failedAttempt(error, !code.retriable(), nowNanos + retryBackoffNanos);
        recovering = true;
      }
    }
  }

  private boolean answered(ProducerBatch batch) {
    if (!batch.isInFlight() || !unresolved.contains(batch)) {
      return false;
    }
    batch.inFlight(false);
    inFlight--;
    return true;
  }

  /** Fails every unresolved batch; answers still to come for them are ignored. */
  void failAll(RunnelException error) {
    List<ProducerBatch> failed = new ArrayList<>(unresolved);
    unresolved.clear();
    inFlight = 0;
    failed.forEach(batch -> outcomes.failed(batch, error));
  }

  /** Why the partition refuses everything, or null while it works. */
  RunnelException fatalError() {
    return fatal;
  }

  /**
   * When {@link #drain} has something to do that waits for time alone, or {@link Long#MAX_VALUE}.
   */
  long nextRetryNanos() {
    ProducerBatch head = unresolved.peekFirst();
    if (!recovering || inFlight > 0 || head == null || !head.isSealed()) {
      return Long.MAX_VALUE;
    }
    return Math.min(head.retryAtNanos(), head.createdNanos() + deliveryTimeoutNanos);
  }

  /** Whether no batch is in flight or waiting to be resent. */
  boolean isIdle() {
    return unresolved.isEmpty();
  }

  /** Every batch in flight or waiting to be resent, oldest first. */
  List<ProducerBatch> unresolved() {
    return List.copyOf(unresolved);
  }

  private RunnelException deliveryTimedOut(ProducerBatch batch) {
    RunnelException last = batch.lastError();
    return new RunnelException(
        ErrorCode.REQUEST_TIMED_OUT,
        "Delivery timed out: topic="
            + partition.topic()
            + ", partition="
            + partition.partition()
            + ", records="
            + batch.recordCount()
            + ", attempts="
            + batch.attempts()
            + ", deliveryTimeoutMs="
            + TimeUnit.NANOSECONDS.toMillis(deliveryTimeoutNanos)
            + ", lastError="
            + (last == null ? "none" : last.getMessage()),
        last);
  }
}
