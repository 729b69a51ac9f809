package dev.runnel.api.consumer;

import akka.NotUsed;
import akka.stream.RestartSettings;
import akka.stream.StreamRefAttributes;
import akka.stream.javadsl.Source;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.partition.OffsetSpec;
import dev.runnel.actors.partition.OffsetsReply;
import dev.runnel.actors.partition.PartitionCommand.ListOffsets;
import dev.runnel.actors.partition.PartitionCommand.OpenReader;
import dev.runnel.actors.partition.ReaderReply;
import dev.runnel.actors.partition.StoredBatch;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.api.Runnel;
import dev.runnel.api.internal.Completions;
import dev.runnel.persistence.record.CorruptRecordBatchException;
import dev.runnel.persistence.record.Record;
import dev.runnel.persistence.record.RecordBatch;
import dev.runnel.persistence.record.TimestampType;
import dev.runnel.sharding.RunnelNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What a {@link PartitionReader} asks of the cluster: the partition's metadata, a reader, an
 * offset. Embedded ({@link #of(RunnelNode)}) a reader is the partition entity's stream of stored
 * batches, decoded here; remote ({@link RemotePartitionAccess}) a {@code Consume} call that follows
 * the log. Either yields the same {@link Chunk}s of records, so that the reader's skipping,
 * deserialization and resumption are one path. One interface, too, so that tests can put a reader
 * that fails in between.
 */
interface PartitionAccess {

  /**
   * Records of one partition as a reader hands them out, in offset order: a stored batch's, or a
   * server's response's. They may begin before the offset the reader was opened at.
   *
   * @param timestampType where the records' timestamps come from
   * @param logAppendTime the time that replaces every record's own under {@code LogAppendTime} (the
   *     stored batch's max timestamp), or -1 when each record's timestamp stands
   */
  record Chunk(List<Record> records, TimestampType timestampType, long logAppendTime) {}

  /** Completes once the partition exists and its topic is not being deleted. */
  CompletionStage<TopicMetadata> awaitPartition(TopicPartition tp, Duration timeout);

  /**
   * A reader of the partition from {@code fromOffset}, following the log live. A start outside the
   * log fails the stage, or the source, with {@code OFFSET_OUT_OF_RANGE}; other failures are {@link
   * RunnelException}s too, on the system's executor as every answer.
   */
  CompletionStage<Source<Chunk, NotUsed>> openReader(
      TopicPartition tp, long fromOffset, ConsumerSettings<?, ?> settings);

  /** An offset of the partition; answers and failures as {@link #openReader}. */
  CompletionStage<OffsetsReply> listOffsets(TopicPartition tp, OffsetSpec spec, Duration timeout);

  /**
   * How long a failed reader waits before it is opened again: from {@code reconnect.backoff.ms}
   * doubling up to {@code reconnect.backoff.max.ms}, as Kafka's consumer reconnects.
   */
  default RestartSettings reopening(ConsumerSettings<?, ?> settings) {
    return RestartSettings.create(settings.reconnectBackoff(), settings.reconnectBackoffMax(), 0.2);
  }

  /** The partitions of {@code runnel}: its node's, or its server's. */
  static PartitionAccess of(Runnel runnel) {
    return runnel.isRemote() ? new RemotePartitionAccess(runnel.remote()) : of(runnel.node());
  }

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
      public CompletionStage<Source<Chunk, NotUsed>> openReader(
          TopicPartition tp, long fromOffset, ConsumerSettings<?, ?> settings) {
        return Completions.onExecutor(
                node.<ReaderReply>askPartition(
                    tp, replyTo -> new OpenReader(fromOffset, replyTo), settings.requestTimeout()),
                node.system().executionContext(),
                "request=openReader, topicPartition=" + tp + ", offset=" + fromOffset)
            .thenApply(
                reply -> {
                  if (reply instanceof ReaderReply.ReaderOpened opened) {
                    return opened
                        .batches()
                        .getSource()
                        .withAttributes(
                            StreamRefAttributes.bufferCapacity(settings.bufferBatches()))
                        .map(stored -> decode(tp, stored, fromOffset));
                  }
                  ReaderReply.ReaderFailed failed = (ReaderReply.ReaderFailed) reply;
                  throw new RunnelException(failed.code(), failed.message());
                });
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

  /**
   * The stored batch's records; none, without decoding, when all are before {@code fromOffset}.
   *
   * @throws RunnelException with {@code CORRUPT_MESSAGE} for a batch that fails its checks
   */
  private static Chunk decode(TopicPartition tp, StoredBatch stored, long fromOffset) {
    if (stored.lastOffset() < fromOffset) {
      return new Chunk(List.of(), TimestampType.CREATE_TIME, -1);
    }
    RecordBatch decoded;
    try {
      decoded = stored.decode();
    } catch (CorruptRecordBatchException e) {
      throw new RunnelException(
          ErrorCode.CORRUPT_MESSAGE,
          "Corrupt batch: topicPartition=" + tp + ", baseOffset=" + stored.baseOffset(),
          e);
    }
    boolean appendTime = decoded.timestampType() == TimestampType.LOG_APPEND_TIME;
    return new Chunk(
        decoded.records(), decoded.timestampType(), appendTime ? decoded.maxTimestamp() : -1);
  }
}
