package dev.runnel.api.producer;

import dev.runnel.actors.partition.AppendReply;
import dev.runnel.actors.topic.TopicMetadata;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What a producer asks of the cluster: topic metadata, the sticky partition turn, producer ids and
 * the append of a batch. The accumulator, the {@link PartitionSender}'s delivery rules and the
 * {@link ProducerActor} are the same in both modes; only this differs: {@link
 * EmbeddedProducerAccess} asks the node in this JVM, {@link RemoteProducerAccess} a server over
 * gRPC.
 *
 * <p>Thread-safe: sending threads look up metadata while the producer actor sends.
 */
interface ProducerAccess {

  /**
   * The topic's metadata to route records by, without waiting; empty when it is not known here, or
   * (remote) is due to be described again ({@code metadata.max.age.ms}).
   */
  Optional<TopicMetadata> topic(String name);

  /** The topic's metadata as last known here, however old; empty when it never was. */
  Optional<TopicMetadata> lastKnown(String name);

  /**
   * Completes with the topic's metadata once it exists and is not being deleted, creating it first
   * when {@code runnel.auto-create-topics} is on; fails with {@code UNKNOWN_TOPIC_OR_PARTITION}
   * after {@code maxBlock}.
   */
  CompletionStage<TopicMetadata> awaitTopic(String name, Duration maxBlock);

  /**
   * The topic's metadata here may be out of date (a record named a partition it lacks): the next
   * look-up fetches it again where metadata is fetched, rather than pushed by the cluster.
   */
  void stale(String topic);

  /** The partition the topic's records without key and partition move to next. */
  int nextStickyPartition(String topic, int partitions);

  /** A new producer id for an idempotent producer; its epoch is 0. */
  CompletionStage<Long> allocateProducerId(Duration timeout);

  /**
   * Appends the sealed batch to its partition as {@code settings.acks()} asks. A refusal is an
   * {@link AppendReply.AppendFailed}; a failure of the request itself (no answer in time, the
   * partition or the server unreachable) fails the stage.
   */
  CompletionStage<AppendReply> append(ProducerBatch batch, Duration timeout);

  /** Releases what the access holds for the producer, once the producer stopped. */
  void close();

  /** The access of the settings' {@link dev.runnel.api.Runnel}: embedded or remote. */
  static ProducerAccess of(ProducerSettings<?, ?> settings) {
    return settings.runnel().isRemote()
        ? new RemoteProducerAccess(settings)
        : new EmbeddedProducerAccess(settings);
  }
}
