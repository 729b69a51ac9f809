package dev.runnel.api.producer;

import akka.actor.typed.javadsl.AskPattern;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.partition.Acks;
import dev.runnel.actors.partition.AppendReply;
import dev.runnel.actors.partition.PartitionCommand.Append;
import dev.runnel.actors.topic.ProducerIdAllocated;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.actors.topic.TopicRegistryCommand.AllocateProducerId;
import dev.runnel.actors.topic.TopicRegistryCommand.CreateTopic;
import dev.runnel.actors.topic.TopicReply;
import dev.runnel.api.internal.Completions;
import dev.runnel.sharding.RunnelNode;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A producer's access to the node in this JVM: its metadata cache, its partitioner, the topic
 * registry (producer ids, auto-created topics) and the partition entities. Thread-safe.
 */
final class EmbeddedProducerAccess implements ProducerAccess {

  private final RunnelNode node;
  private final Acks acks;
  private final boolean autoCreateTopics;
  private final Duration requestTimeout;

  EmbeddedProducerAccess(ProducerSettings<?, ?> settings) {
    this.node = settings.runnel().node();
    this.acks = settings.acks();
    this.autoCreateTopics =
        node.system().settings().config().getBoolean("runnel.auto-create-topics");
    this.requestTimeout = settings.requestTimeout();
  }

  @Override
  public Optional<TopicMetadata> topic(String name) {
    return node.topics().topic(name);
  }

  @Override
  public Optional<TopicMetadata> lastKnown(String name) {
    return topic(name);
  }

  /** Nothing to do: the cluster pushes every change to the node's metadata. */
  @Override
  public void stale(String topic) {}

  @Override
  public CompletionStage<TopicMetadata> awaitTopic(String topic, Duration maxBlock) {
    if (!autoCreateTopics) {
      return node.topics().await(topic, metadata -> !metadata.deleting(), maxBlock);
    }
    CompletionStage<TopicReply> created =
        Completions.ask(
            node.topicRegistry(),
            replyTo -> new CreateTopic(topic, -1, Map.of(), replyTo),
            requestTimeout,
            node.system(),
            "request=createTopic, topic=" + topic);
    return created.thenCompose(
        reply -> {
          if (reply instanceof TopicReply.TopicFailed failed
              && failed.code() != ErrorCode.TOPIC_ALREADY_EXISTS) {
            throw new RunnelException(failed.code(), failed.message());
          }
          return node.topics().await(topic, metadata -> !metadata.deleting(), maxBlock);
        });
  }

  @Override
  public int nextStickyPartition(String topic, int partitions) {
    return node.partitioner().nextStickyPartition(topic, partitions);
  }

  @Override
  public CompletionStage<Long> allocateProducerId(Duration timeout) {
    return AskPattern.<dev.runnel.actors.topic.TopicRegistryCommand, ProducerIdAllocated>ask(
            node.topicRegistry(), AllocateProducerId::new, timeout, node.system().scheduler())
        .thenApply(ProducerIdAllocated::producerId);
  }

  @Override
  public CompletionStage<AppendReply> append(ProducerBatch batch, Duration timeout) {
    byte[] bytes = batch.bytes();
    return node.askPartition(
        batch.partition(), replyTo -> new Append(bytes, acks, replyTo), timeout);
  }

  /** Nothing to release: the node outlives its producers. */
  @Override
  public void close() {}
}
