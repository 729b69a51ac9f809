package dev.runnel.api.consumer;

import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.partition.OffsetSpec;
import dev.runnel.actors.partition.OffsetsReply;
import dev.runnel.actors.partition.PartitionCommand.ListOffsets;
import dev.runnel.actors.partition.PartitionCommand.OpenReader;
import dev.runnel.actors.partition.ReaderReply;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.api.internal.Completions;
import dev.runnel.sharding.RunnelNode;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * What a {@link PartitionReader} asks of the cluster: the partition's metadata, a reader, an
 * offset. One interface, so that tests can put a reader that fails in between.
 */
interface PartitionAccess {

  /** Completes once the node's metadata has the partition (topic not being deleted). */
  CompletionStage<TopicMetadata> awaitPartition(TopicPartition tp, Duration timeout);

  /**
   * Asks the partition entity for a reader from {@code fromOffset}; a failed ask fails with a
   * {@link dev.runnel.actors.error.RunnelException}, on the system's executor as every answer.
   */
  CompletionStage<ReaderReply> openReader(TopicPartition tp, long fromOffset, Duration timeout);

  /** Asks the partition entity for an offset; answers and failures as {@link #openReader}. */
  CompletionStage<OffsetsReply> listOffsets(TopicPartition tp, OffsetSpec spec, Duration timeout);

  /** The partitions of {@code node}'s cluster. */
  static PartitionAccess of(RunnelNode node) {
    return new PartitionAccess() {
      @Override
      public CompletionStage<TopicMetadata> awaitPartition(TopicPartition tp, Duration timeout) {
        return node.topics()
            .await(
                tp.topic(),
                topic -> !topic.deleting() && tp.partition() < topic.partitions(),
                timeout);
      }

      @Override
      public CompletionStage<ReaderReply> openReader(
          TopicPartition tp, long fromOffset, Duration timeout) {
        return Completions.onExecutor(
            node.askPartition(tp, replyTo -> new OpenReader(fromOffset, replyTo), timeout),
            node.system().executionContext(),
            "request=openReader, topicPartition=" + tp + ", offset=" + fromOffset);
      }

      @Override
      public CompletionStage<OffsetsReply> listOffsets(
          TopicPartition tp, OffsetSpec spec, Duration timeout) {
        return Completions.onExecutor(
            node.askPartition(tp, replyTo -> new ListOffsets(spec, replyTo), timeout),
            node.system().executionContext(),
            "request=listOffsets, topicPartition=" + tp + ", spec=" + spec);
      }
    };
  }
}
