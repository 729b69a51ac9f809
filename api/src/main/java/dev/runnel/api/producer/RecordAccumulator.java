package dev.runnel.api.producer;

import dev.runnel.actors.TopicPartition;
import dev.runnel.persistence.record.RecordBatchCodec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Collects records into per-partition batches that wait to be sent, as Kafka's {@code
 * RecordAccumulator} does. A record joins the newest open batch of its partition while the batch
 * stays within {@code batch.size} (a record larger than that gets a batch of its own); a batch is
 * ready to send once it is closed (full, or a newer batch follows it) or its first record has
 * waited {@code linger.ms}.
 *
 * <p>Batches leave through {@link #poll} in the order they were opened, so a partition's records
 * keep the order they were appended in. Batches that were sent are no longer here: the sender keeps
 * them until they are answered.
 *
 * <p>Thread-safe: the threads that send append records while the producer actor polls, expires and
 * drains batches. Each partition's queue is guarded by its own lock (the queue itself), so appends
 * to different partitions never wait for each other; a batch is only changed under its queue's
 * lock, and once polled it is closed and belongs to the caller. Queues stay once created, so an
 * append never lands in a queue that was dropped. Times are {@link System#nanoTime()} values.
 */
final class RecordAccumulator {

  /** What {@link #append} did with a record. */
  enum Appended {
    /** The record joined an open batch that stays open. */
    JOINED,
    /** The record opened a new batch (closing the one before it, if any). */
    OPENED,
    /** The batch the record went into is full now: it is closed and ready. */
    FILLED;

    /** Whether the sender should look at the partition now: a batch opened or became ready. */
    boolean wakesSender() {
      return this != JOINED;
    }
  }

  private final long batchSize;
  private final long lingerNanos;
  private final RecordBatchCodec codec;
  private final ConcurrentHashMap<TopicPartition, ArrayDeque<ProducerBatch>> batches =
      new ConcurrentHashMap<>();

  /**
   * An empty accumulator.
   *
   * @param batchSize the bound of a batch's estimated size; also within what {@code codec} encodes
   * @param codec encodes the batches' records as they are appended
   */
  RecordAccumulator(int batchSize, long lingerNanos, RecordBatchCodec codec) {
    this.batchSize = batchSize;
    this.lingerNanos = lingerNanos;
    this.codec = codec;
  }

  /** Adds a record to its partition's open batch, or to a new one. */
  Appended append(TopicPartition partition, ProducerBatch.Entry entry, long nowNanos) {
    ArrayDeque<ProducerBatch> queue = batches.get(partition);
    if (queue == null) {
      queue = batches.computeIfAbsent(partition, tp -> new ArrayDeque<>());
    }
    synchronized (queue) {
      ProducerBatch open = queue.peekLast();
      Appended appended = Appended.JOINED;
      if (open == null
          || open.isClosed()
          || open.estimatedBytes() + entry.estimatedBytes() > batchSize) {
        if (open != null) {
          open.close();
        }
        open = new ProducerBatch(partition, nowNanos, codec.writer());
        queue.addLast(open);
        appended = Appended.OPENED;
      }
      open.add(entry);
      if (open.estimatedBytes() >= batchSize) {
        open.close();
        appended = Appended.FILLED;
      }
      return appended;
    }
  }

  /** Whether the partition's oldest batch may be sent now. */
  boolean isReady(TopicPartition partition, long nowNanos) {
    ArrayDeque<ProducerBatch> queue = batches.get(partition);
    if (queue == null) {
      return false;
    }
    synchronized (queue) {
      return isHeadReady(queue, nowNanos);
    }
  }

  private boolean isHeadReady(ArrayDeque<ProducerBatch> queue, long nowNanos) {
    ProducerBatch head = queue.peekFirst();
    return head != null && (head.isClosed() || nowNanos - head.createdNanos() >= lingerNanos);
  }

  /** The partitions that ever had a batch here: those the sender may have to look at. */
  List<TopicPartition> partitions() {
    return new ArrayList<>(batches.keySet());
  }

  /** Removes and returns the partition's oldest batch, closed, if it is ready; else null. */
  ProducerBatch poll(TopicPartition partition, long nowNanos) {
    ArrayDeque<ProducerBatch> queue = batches.get(partition);
    if (queue == null) {
      return null;
    }
    synchronized (queue) {
      if (!isHeadReady(queue, nowNanos)) {
        return null;
      }
      ProducerBatch head = queue.pollFirst();
      head.close();
      return head;
    }
  }

  /**
   * When the next open batch's linger runs out, or {@link Long#MAX_VALUE} if no batch is waiting
   * for that (every batch is ready already, or there are none).
   */
  long nextLingerDeadline(long nowNanos) {
    long next = Long.MAX_VALUE;
    for (ArrayDeque<ProducerBatch> queue : batches.values()) {
      next = Math.min(next, lingerDeadline(queue, nowNanos));
    }
    return next;
  }

  /**
   * When the partition's oldest batch's linger runs out, or {@link Long#MAX_VALUE} if it is ready
   * already or there is none: what the sender waits for once it sent the batches before it.
   */
  long lingerDeadline(TopicPartition partition, long nowNanos) {
    ArrayDeque<ProducerBatch> queue = batches.get(partition);
    return queue == null ? Long.MAX_VALUE : lingerDeadline(queue, nowNanos);
  }

  private long lingerDeadline(ArrayDeque<ProducerBatch> queue, long nowNanos) {
    synchronized (queue) {
      ProducerBatch head = queue.peekFirst();
      return head != null && !head.isClosed() && nowNanos - head.createdNanos() < lingerNanos
          ? head.createdNanos() + lingerNanos
          : Long.MAX_VALUE;
    }
  }

  /** When the oldest waiting batch got its first record, or {@link Long#MAX_VALUE} if none. */
  long oldestCreatedNanos() {
    long oldest = Long.MAX_VALUE;
    for (ArrayDeque<ProducerBatch> queue : batches.values()) {
      synchronized (queue) {
        ProducerBatch head = queue.peekFirst();
        if (head != null) {
          oldest = Math.min(oldest, head.createdNanos());
        }
      }
    }
    return oldest;
  }

  /**
   * Closes every open batch, so that all of them are ready: what a flush needs. Records appended
   * afterwards open new batches.
   */
  void closeAll() {
    for (ArrayDeque<ProducerBatch> queue : batches.values()) {
      synchronized (queue) {
        queue.forEach(ProducerBatch::close);
      }
    }
  }

  /** Removes and returns the batches whose first record waited longer than the deadline. */
  List<ProducerBatch> expire(long nowNanos, long deliveryTimeoutNanos) {
    List<ProducerBatch> expired = new ArrayList<>();
    for (ArrayDeque<ProducerBatch> queue : batches.values()) {
      synchronized (queue) {
        while (!queue.isEmpty()
            && nowNanos - queue.peekFirst().createdNanos() >= deliveryTimeoutNanos) {
          ProducerBatch batch = queue.pollFirst();
          batch.close();
          expired.add(batch);
        }
      }
    }
    return expired;
  }

  /** The stages of every record waiting here. */
  List<CompletableFuture<RecordMetadata>> results() {
    List<CompletableFuture<RecordMetadata>> results = new ArrayList<>();
    for (ArrayDeque<ProducerBatch> queue : batches.values()) {
      synchronized (queue) {
        for (ProducerBatch batch : queue) {
          batch.entries().forEach(entry -> results.add(entry.result()));
        }
      }
    }
    return results;
  }

  /** Removes and returns every batch, closed. */
  List<ProducerBatch> drainAll() {
    List<ProducerBatch> all = new ArrayList<>();
    for (ArrayDeque<ProducerBatch> queue : batches.values()) {
      synchronized (queue) {
        queue.forEach(ProducerBatch::close);
        all.addAll(queue);
        queue.clear();
      }
    }
    return all;
  }

  /** Whether no batch is waiting. */
  boolean isEmpty() {
    for (ArrayDeque<ProducerBatch> queue : batches.values()) {
      synchronized (queue) {
        if (!queue.isEmpty()) {
          return false;
        }
      }
    }
    return true;
  }
}
