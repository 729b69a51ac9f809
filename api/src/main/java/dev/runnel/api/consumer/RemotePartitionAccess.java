package dev.runnel.api.consumer;

import akka.NotUsed;
import akka.stream.RestartSettings;
import akka.stream.javadsl.Source;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.partition.OffsetSpec;
import dev.runnel.actors.partition.OffsetsReply;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.api.grpc.v1.ConsumeRequest;
import dev.runnel.api.grpc.v1.ConsumeResponse;
import dev.runnel.api.grpc.v1.OffsetReset;
import dev.runnel.api.grpc.v1.TimestampType;
import dev.runnel.api.remote.RemoteConnection;
import dev.runnel.api.remote.RemoteErrors;
import dev.runnel.api.remote.RemoteSettings;
import dev.runnel.api.remote.RemoteTopics;
import dev.runnel.persistence.record.Header;
import dev.runnel.persistence.record.Record;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The partitions of a Runnel server, for a remote consumer. A reader is one {@code Consume} call
 * with {@code follow = true} from the offset wanted: the server reads the log as fast as the stream
 * is pulled (HTTP/2 flow control), so a consumer that stops pulling stops the server, and nothing
 * piles up in the client beyond the stream's small buffers. A start outside the log is refused with
 * {@code OFFSET_OUT_OF_RANGE} before the call, as the partition entity refuses it. The call
 * breaking (the server restarts, the network fails) fails the reader with {@code NOT_AVAILABLE},
 * and {@link PartitionReader} opens a new one from the offset after the last record emitted, after
 * the client's {@code runnel.client.reconnect} backoff. Thread-safe.
 */
final class RemotePartitionAccess implements PartitionAccess {

  private final RemoteConnection connection;
  private final RemoteTopics topics;

  RemotePartitionAccess(RemoteConnection connection) {
    this.connection = connection;
    this.topics = new RemoteTopics(connection);
  }

  @Override
  public CompletionStage<TopicMetadata> awaitPartition(TopicPartition tp, Duration timeout) {
    return topics.await(
        tp.topic(),
        topic -> !topic.deleting() && tp.partition() < topic.partitions(),
        timeout,
        connection.settings().minBackoff());
  }

  @Override
  public CompletionStage<Source<Chunk, NotUsed>> openReader(
      TopicPartition tp, long fromOffset, ConsumerSettings<?, ?> settings) {
    ConsumeRequest request =
        ConsumeRequest.newBuilder()
            .setTopic(tp.topic())
            .setPartition(tp.partition())
            .setOffset(fromOffset)
            .setFollow(true)
            .setReset(
                switch (settings.autoOffsetReset()) {
                  case EARLIEST -> OffsetReset.OFFSET_RESET_EARLIEST;
                  case LATEST -> OffsetReset.OFFSET_RESET_LATEST;
                  case NONE -> OffsetReset.OFFSET_RESET_NONE;
                })
            .build();
    String facts = "request=consume, topicPartition=" + tp + ", offset=" + fromOffset;
    Source<Chunk, NotUsed> chunks =
        connection
            .client()
            .consume(request)
            .mapConcat(RemotePartitionAccess::chunks)
            .mapError(Throwable.class, failure -> RemoteErrors.toRunnelException(failure, facts));
    // The range is checked first, so that a start outside the log is refused as the embedded
    // reader refuses it, and auto.offset.reset applies in the consumer, not in the server. The
    // server applies it too, for a log start that retention moves in between.
    Duration timeout = settings.requestTimeout();
    return listOffsets(tp, OffsetSpec.earliest(), timeout)
        .thenCombine(
            listOffsets(tp, OffsetSpec.latest(), timeout),
            (start, end) -> {
              long logStart = ((OffsetsReply.OffsetFound) start).offset();
              long highWatermark = ((OffsetsReply.OffsetFound) end).offset();
              if (fromOffset < logStart || fromOffset > highWatermark) {
                throw new RunnelException(
                    ErrorCode.OFFSET_OUT_OF_RANGE,
                    "Offset out of range: topicPartition="
                        + tp
                        + ", offset="
                        + fromOffset
                        + ", logStartOffset="
                        + logStart
                        + ", highWatermark="
                        + highWatermark);
              }
              return chunks;
            });
  }

  /** The response's records, as one chunk per run of records with the same timestamp type. */
  private static List<Chunk> chunks(ConsumeResponse response) {
    List<Chunk> chunks = new ArrayList<>(1);
    List<Record> run = new ArrayList<>(response.getRecordsCount());
    TimestampType runType = null;
    for (dev.runnel.api.grpc.v1.ConsumerRecord record : response.getRecordsList()) {
      if (runType != null && record.getTimestampType() != runType) {
        chunks.add(chunk(run, runType));
        run = new ArrayList<>();
      }
      runType = record.getTimestampType();
      run.add(record(record));
    }
    if (!run.isEmpty()) {
      chunks.add(chunk(run, runType));
    }
    return chunks;
  }

  private static Chunk chunk(List<Record> records, TimestampType type) {
    return new Chunk(
        records,
        type == TimestampType.TIMESTAMP_TYPE_LOG_APPEND_TIME
            ? dev.runnel.persistence.record.TimestampType.LOG_APPEND_TIME
            : dev.runnel.persistence.record.TimestampType.CREATE_TIME,
        -1);
  }

  private static Record record(dev.runnel.api.grpc.v1.ConsumerRecord record) {
    List<Header> headers = new ArrayList<>(record.getHeadersCount());
    for (dev.runnel.api.grpc.v1.Header header : record.getHeadersList()) {
      headers.add(
          new Header(header.getKey(), header.hasValue() ? header.getValue().toByteArray() : null));
    }
    return new Record(
        record.getOffset(),
        record.getTimestamp(),
        record.hasKey() ? record.getKey().toByteArray() : null,
        record.hasValue() ? record.getValue().toByteArray() : null,
        headers);
  }

  /**
   * The client's {@code runnel.client.reconnect} backoff, as for every broken stream of a remote
   * client.
   */
  @Override
  public RestartSettings reopening(ConsumerSettings<?, ?> settings) {
    RemoteSettings remote = connection.settings();
    return RestartSettings.create(remote.minBackoff(), remote.maxBackoff(), remote.randomFactor());
  }

  @Override
  public CompletionStage<OffsetsReply> listOffsets(
      TopicPartition tp, OffsetSpec spec, Duration timeout) {
    return topics
        .listOffsets(tp, spec, timeout)
        .thenApply(found -> new OffsetsReply.OffsetFound(found.offset(), found.timestamp()));
  }
}
