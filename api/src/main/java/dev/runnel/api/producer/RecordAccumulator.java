package dev.runnel.api.producer;

import dev.runnel.actors.TopicPartition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Collects records into per-partition batches that wait to be sent, as Kafka's {@code
 * RecordAccumulator} does. A record joins the newest open batch of its partition while the batch
 * stays within {@code batch.size} (a record larger than that gets a batch of its own); a batch is
 * ready to send once it is closed (full, or a newer batch follows it) or its first record has
 * waited {@code linger.ms}.
 *
 * <p>Batches leave through {@link #poll} in the order they were opened, so a partition's records
 * keep their order. Batches that were sent are no longer here: the sender keeps them until they are
 * answered.
 *
 * <p>Not thread-safe: owned by one producer actor. Times are {@link System#nanoTime()} values.
 */
final class RecordAccumulator {

  private final long batchSize;
  private final long lingerNanos;
  private final Map<TopicPartition, ArrayDeque<ProducerBatch>> batches = new HashMap<>();

  RecordAccumulator(int batchSize, long lingerNanos) {
    this.batchSize = batchSize;
    this.lingerNanos = lingerNanos;
  }

  /**
   * Adds a record to its partition's open batch, or to a new one.
   *
   * @return whether the batch the record went into is now closed (full)
   */
  boolean append(TopicPartition partition, ProducerBatch.Entry entry, long nowNanos) {
    ArrayDeque<ProducerBatch> queue = batches.computeIfAbsent(partition, tp -> new ArrayDeque<>());
    ProducerBatch open = queue.peekLast();
    if (open == null
        || open.isClosed()
        || open.estimatedBytes() + entry.estimatedBytes() > batchSize) {
      if (open != null) {
        open.close();
      }
      open = new ProducerBatch(partition, nowNanos);
      queue.addLast(open);
    }
    open.add(entry);
    if (open.estimatedBytes() >= batchSize) {
      open.close();
    }
    return open.isClosed();
  }

  /** Whether the partition's oldest batch may be sent now. */
  boolean isReady(TopicPartition partition, long nowNanos) {
    ArrayDeque<ProducerBatch> queue = batches.get(partition);
    if (queue == null || queue.isEmpty()) {
      return false;
    }
    ProducerBatch head = queue.peekFirst();
    return head.isClosed() || nowNanos - head.createdNanos() >= lingerNanos;
  }

  /** The partitions whose oldest batch may be sent now. */
  List<TopicPartition> readyPartitions(long nowNanos) {
    List<TopicPartition> ready = new ArrayList<>();
    for (TopicPartition partition : batches.keySet()) {
      if (isReady(partition, nowNanos)) {
        ready.add(partition);
      }
    }
    return ready;
  }

  /** Removes and returns the partition's oldest batch if it is ready, else null. */
  ProducerBatch poll(TopicPartition partition, long nowNanos) {
    if (!isReady(partition, nowNanos)) {
      return null;
    }
    ArrayDeque<ProducerBatch> queue = batches.get(partition);
    ProducerBatch head = queue.pollFirst();
    head.close();
    if (queue.isEmpty()) {
      batches.remove(partition);
    }
    return head;
  }

  /**
   * When the next open batch's linger runs out, or {@link Long#MAX_VALUE} if no batch is waiting
   * for that (every batch is ready already, or there are none).
   */
  long nextLingerDeadline(long nowNanos) {
    long next = Long.MAX_VALUE;
    for (ArrayDeque<ProducerBatch> queue : batches.values()) {
      ProducerBatch head = queue.peekFirst();
      if (head != null && !head.isClosed() && nowNanos - head.createdNanos() < lingerNanos) {
        next = Math.min(next, head.createdNanos() + lingerNanos);
      }
    }
    return next;
  }

  /** When the oldest waiting batch got its first record, or {@link Long#MAX_VALUE} if none. */
  long oldestCreatedNanos() {
    long oldest = Long.MAX_VALUE;
    for (ArrayDeque<ProducerBatch> queue : batches.values()) {
      oldest = Math.min(oldest, queue.peekFirst().createdNanos());
    }
    return oldest;
  }

  /** Closes every open batch, so that all of them are ready: what a flush needs. */
  void closeAll() {
    for (ArrayDeque<ProducerBatch> queue : batches.values()) {
      queue.forEach(ProducerBatch::close);
    }
  }

  /** Removes and returns the batches whose first record waited longer than the deadline. */
  List<ProducerBatch> expire(long nowNanos, long deliveryTimeoutNanos) {
    List<ProducerBatch> expired = new ArrayList<>();
    Iterator<ArrayDeque<ProducerBatch>> queues = batches.values().iterator();
    while (queues.hasNext()) {
      ArrayDeque<ProducerBatch> queue = queues.next();
      while (!queue.isEmpty()
          && nowNanos - queue.peekFirst().createdNanos() >= deliveryTimeoutNanos) {
        expired.add(queue.pollFirst());
      }
      if (queue.isEmpty()) {
        queues.remove();
      }
    }
    return expired;
  }

  /** Every waiting batch, without removing them. */
  List<ProducerBatch> batches() {
    List<ProducerBatch> all = new ArrayList<>();
    batches.values().forEach(all::addAll);
    return all;
  }

  /** Removes and returns every batch. */
  List<ProducerBatch> drainAll() {
    List<ProducerBatch> all = new ArrayList<>();
    batches.values().forEach(all::addAll);
    batches.clear();
    return all;
  }

  /** Whether no batch is waiting. */
  boolean isEmpty() {
    return batches.isEmpty();
  }
}
