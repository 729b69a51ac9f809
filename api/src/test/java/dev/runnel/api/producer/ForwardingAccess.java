package dev.runnel.api.producer;

import dev.runnel.actors.partition.AppendReply;
import dev.runnel.actors.topic.TopicMetadata;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A producer's access that passes everything to another: tests override what they slow down or hold
 * back, so that a race happens in a known order.
 */
class ForwardingAccess implements ProducerAccess {

  private final ProducerAccess to;

  ForwardingAccess(ProducerAccess to) {
    this.to = to;
  }

  @Override
  public Optional<TopicMetadata> topic(String name) {
    return to.topic(name);
  }

  @Override
  public Optional<TopicMetadata> lastKnown(String name) {
    return to.lastKnown(name);
  }

  @Override
  public CompletionStage<TopicMetadata> awaitTopic(String name, Duration maxBlock) {
    return to.awaitTopic(name, maxBlock);
  }

  @Override
  public void stale(String topic) {
    to.stale(topic);
  }

  @Override
  public int nextStickyPartition(String topic, int partitions) {
    return to.nextStickyPartition(topic, partitions);
  }

  @Override
  public CompletionStage<Long> allocateProducerId(Duration timeout) {
    return to.allocateProducerId(timeout);
  }

  @Override
  public CompletionStage<AppendReply> append(ProducerBatch batch, Duration timeout) {
    return to.append(batch, timeout);
  }

  @Override
  public void close() {
    to.close();
  }
}
