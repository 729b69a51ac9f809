package dev.runnel.api.producer;

import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.sharding.Partitioner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Puts serialized records into their partition's open batch: the part of sending that runs on the
 * sending thread, as in Kafka's producer, so that the producer actor deals with whole batches only.
 * It checks a record against the topic's metadata, chooses its partition (the one asked for, the
 * key's, or the topic's sticky partition) and appends it to the {@link RecordAccumulator}.
 *
 * <p>Records of a topic with no metadata here go to the producer actor instead, which holds them
 * until the metadata arrives. While any record of a topic is there, later records of the topic go
 * there too ({@link #routable}), so that none overtakes an earlier one.
 *
 * <p>Thread-safe: sending threads and the producer actor route at once.
 */
final class RecordRouter {

  private final ProducerAccess access;
  private final RecordAccumulator accumulator;
  private final ConcurrentHashMap<String, Integer> stickyPartitions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> withActor = new ConcurrentHashMap<>();
  private volatile RunnelException refusal;

  RecordRouter(ProducerAccess access, RecordAccumulator accumulator) {
    this.access = access;
    this.accumulator = accumulator;
  }

  /**
   * The topic's metadata if a record of it may be routed on the sending thread now: the node knows
   * the topic and no record of it waits in the producer actor. Otherwise null: the record goes to
   * the actor, announced with {@link #handedOver}.
   */
  TopicMetadata routable(String topic) {
    AtomicInteger waiting = withActor.get(topic);
    if (waiting != null && waiting.get() > 0) {
      return null;
    }
    return access.topic(topic).orElse(null);
  }

  /** A record of the topic goes to the producer actor; it calls {@link #takenBack} once routed. */
  void handedOver(String topic) {
    withActor.computeIfAbsent(topic, t -> new AtomicInteger()).incrementAndGet();
  }

  /** The producer actor routed (or failed) a record it was handed. */
  void takenBack(String topic) {
    withActor.get(topic).decrementAndGet();
  }

  /** From now on every record is refused with {@code error}: the producer was fenced. */
  void refuseAll(RunnelException error) {
    refusal = error;
  }

  /**
   * Appends the record to its partition's open batch.
   *
   * @param partition the partition asked for, or null to choose by key or stickily
   * @throws RunnelException when the record cannot go to the topic: it is being deleted, the record
   *     is larger than its {@code max.message.bytes}, there is no such partition, or the producer
   *     was fenced
   */
  RecordAccumulator.Appended route(
      TopicMetadata topic, Integer partition, ProducerBatch.Entry entry) {
    if (refusal != null) {
      throw refusal;
    }
    if (topic.deleting()) {
      throw new RunnelException(
          ErrorCode.TOPIC_DELETION_IN_PROGRESS, "Topic is being deleted: topic=" + topic.name());
    }
    long batchBytes = RecordSizes.BATCH_OVERHEAD + (long) entry.estimatedBytes();
    if (batchBytes > topic.config().maxMessageBytes()) {
      throw new RunnelException(
          ErrorCode.RECORD_TOO_LARGE,
          "Record too large for topic: topic="
              + topic.name()
              + ", recordBytes="
              + batchBytes
              + ", max.message.bytes="
              + topic.config().maxMessageBytes());
    }
    if (partition != null && partition >= topic.partitions()) {
      access.stale(topic.name());
      throw new RunnelException(
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          "No such partition: topic="
              + topic.name()
              + ", partition="
              + partition
              + ", partitions="
              + topic.partitions());
    }
    int chosen;
    if (partition != null) {
      chosen = partition;
    } else if (entry.key() != null) {
      chosen = Partitioner.partitionForKey(entry.key(), topic.partitions());
    } else {
      chosen = stickyPartition(topic);
    }
    RecordAccumulator.Appended appended =
        accumulator.append(new TopicPartition(topic.name(), chosen), entry, System.nanoTime());
    if (partition == null && entry.key() == null && appended != RecordAccumulator.Appended.JOINED) {
      // A batch opened or filled: the next records move on, as Kafka's sticky partitioner moves
      // on with each new batch. Waiting for the batch to be sent is not enough: records appended
      // faster than the sender drains (or routed in one go after waiting for metadata) would all
      // go to one partition.
      stickyPartitions.remove(topic.name(), chosen);
    }
    return appended;
  }

  /**
   * The topic's sticky partition, choosing the next one atomically when there is none: threads that
   * find it gone at once must take one turn of the partitioner together, not one each, or the turns
   * they skip could land on the same partition every time and starve the others.
   */
  private int stickyPartition(TopicMetadata topic) {
    Integer current = stickyPartitions.get(topic.name());
    if (current != null && current < topic.partitions()) {
      return current;
    }
    return stickyPartitions.compute(
        topic.name(),
        (name, chosen) ->
            chosen != null && chosen < topic.partitions()
                ? chosen
                : access.nextStickyPartition(name, topic.partitions()));
  }

  /** A batch of the partition was sent: records without key and partition move on to another. */
  void batchSent(TopicPartition tp) {
    stickyPartitions.remove(tp.topic(), tp.partition());
  }
}
