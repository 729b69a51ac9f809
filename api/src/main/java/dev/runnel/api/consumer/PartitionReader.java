package dev.runnel.api.consumer;

import akka.NotUsed;
import akka.stream.RestartSettings;
import akka.stream.javadsl.RestartSource;
import akka.stream.javadsl.Source;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.partition.OffsetSpec;
import dev.runnel.actors.partition.OffsetsReply;
import dev.runnel.api.header.Headers;
import dev.runnel.api.internal.Completions;
import dev.runnel.persistence.record.Record;
import dev.runnel.persistence.record.TimestampType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One partition's records as a source: it resolves the start offset, opens a reader through the
 * {@link PartitionAccess} (the partition entity's stored batches, or a remote server's {@code
 * Consume} call), skips the records before the offset asked for, and deserializes the rest. It
 * emits the records of each {@link PartitionAccess.Chunk} as one list: the stream's per-element
 * work (and the hops across the restart and merge stages) is then paid per chunk, and {@link
 * Consumer} flattens the lists last.
 *
 * <p>When the reader fails for a reason that may pass (the partition moved to another node or
 * restarted, the ask timed out, the server restarted or cannot be reached), it is opened again at
 * the offset after the last record emitted, after the access's backoff ({@link
 * PartitionAccess#reopening}); so the partition's records come out once each, in offset order. A
 * start offset outside the log ({@code OFFSET_OUT_OF_RANGE}) is replaced as {@code
 * auto.offset.reset} says, as Kafka's consumer does. Other failures ({@code
 * UNKNOWN_TOPIC_OR_PARTITION} after {@code default.api.timeout.ms}, a deserializer that throws, a
 * corrupt batch, {@code auto.offset.reset = none}) fail the source.
 *
 * <p>One instance per materialization: {@link #next} is the offset to read from, touched by the
 * stream's stages one at a time.
 */
final class PartitionReader<K, V> {

  /** How often a reset start offset may turn out out of range again before the attempt fails. */
  private static final int MAX_RESETS = 3;

  private final ConsumerSettings<K, V> settings;
  private final TopicPartition tp;
  private final ManualSubscription subscription;
  private final ConsumerMetricsCounter metrics;
  private final PartitionAccess partitions;
  private final Executor executor;

  /** The offset of the next record to emit; -1 until the start offset is resolved. */
  private final AtomicLong next = new AtomicLong(-1);

  /** How often the reader was opened (the restart source calls its factory one at a time). */
  private final AtomicInteger opens = new AtomicInteger();

  private PartitionReader(
      ConsumerSettings<K, V> settings,
      TopicPartition tp,
      ManualSubscription subscription,
      ConsumerMetricsCounter metrics,
      PartitionAccess partitions) {
    this.settings = settings;
    this.tp = tp;
    this.subscription = subscription;
    this.metrics = metrics;
    this.partitions = partitions;
    this.executor = settings.runnel().system().executionContext();
  }

  /**
   * The partition's records, from the subscription's start, in lists of one stored batch each
   * (never empty); one reader per materialization.
   */
  static <K, V> Source<List<ConsumerRecord<K, V>>, NotUsed> source(
      ConsumerSettings<K, V> settings,
      TopicPartition tp,
      ManualSubscription subscription,
      ConsumerMetricsCounter metrics,
      PartitionAccess partitions) {
    // Opened when materialized, not on first demand: a partition that cannot be read fails the
    // stream even before anybody asks for a record (Reactive Streams rules 1.4 and 1.9).
    return Source.fromMaterializer(
            (materializer, attributes) ->
                new PartitionReader<>(settings, tp, subscription, metrics, partitions).restarting())
        .mapMaterializedValue(ignored -> NotUsed.getInstance());
  }

  private Source<List<ConsumerRecord<K, V>>, NotUsed> restarting() {
    RestartSettings restart =
        partitions
            .reopening(settings)
            .withMaxRestarts(Integer.MAX_VALUE, settings.reconnectBackoff())
            .withRestartOn(this::mayPass);
    return RestartSource.onFailuresWithBackoff(
        restart,
        () -> {
          if (opens.getAndIncrement() > 0) {
            metrics.readerRestarted();
          }
          return Source.completionStageSource(open()).map(this::records).filterNot(List::isEmpty);
        });
  }

  /**
   * Whether a reader that failed so may work when opened again. A reader that retention overtook
   * ({@code OFFSET_OUT_OF_RANGE}) is opened again, where {@code auto.offset.reset} decides, unless
   * that is {@code none}.
   */
  private boolean mayPass(Throwable failure) {
    Throwable cause = Completions.unwrap(failure);
    if (cause instanceof RunnelException error) {
      if (error.code() == ErrorCode.OFFSET_OUT_OF_RANGE) {
        return settings.autoOffsetReset() != AutoOffsetReset.NONE;
      }
      return error.retriable()
          && error.code() != ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
          && error.code() != ErrorCode.TOPIC_DELETION_IN_PROGRESS;
    }
    return true; // the stream ref broke: the partition's node went away, or the ref timed out
  }

  // ------------------------------------------------------------------ opening

  /** A reader from {@link #next}, with the offset it starts at. */
  private CompletionStage<Source<Batch, NotUsed>> open() {
    return partitions
        .awaitPartition(tp, settings.defaultApiTimeout())
        .exceptionally(
            failure -> {
              Throwable cause = Completions.unwrap(failure);
              if (cause instanceof RunnelException away
                  && away.retriable()
                  && away.code() != ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
                throw away; // the server is away: opened again after the backoff
              }
              throw new RunnelException(
                  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                  "No such partition: topicPartition="
                      + tp
                      + ", default.api.timeout.ms="
                      + settings.defaultApiTimeout().toMillis(),
                  cause);
            })
        .thenComposeAsync(topic -> startOffset(), executor)
        .thenComposeAsync(from -> openAt(from, 0), executor);
  }

  private CompletionStage<Long> startOffset() {
    long known = next.get();
    if (known >= 0) {
      return CompletableFuture.completedFuture(known);
    }
    CompletionStage<Long> start;
    if (subscription instanceof ManualSubscription.AssignmentWithOffset withOffset) {
      start = CompletableFuture.completedFuture(withOffset.offsets().get(tp));
    } else if (subscription instanceof ManualSubscription.AssignmentOffsetsForTimes forTimes) {
      start =
          listOffsets(OffsetSpec.forTimestamp(forTimes.timestamps().get(tp)))
              .thenCompose(
                  found ->
                      found >= 0
                          ? CompletableFuture.completedFuture(found)
                          : listOffsets(OffsetSpec.latest()));
    } else {
      start = reset("no start offset");
    }
    return start.thenApply(
        offset -> {
          next.compareAndSet(-1, offset);
          return next.get();
        });
  }

  /** The start {@code auto.offset.reset} gives, or the failure it asks for. */
  private CompletionStage<Long> reset(String why) {
    return switch (settings.autoOffsetReset()) {
      case EARLIEST -> listOffsets(OffsetSpec.earliest());
      case LATEST -> listOffsets(OffsetSpec.latest());
      case NONE ->
          CompletableFuture.failedFuture(
              new RunnelException(
                  ErrorCode.OFFSET_OUT_OF_RANGE,
                  "No valid offset and auto.offset.reset=none: topicPartition="
                      + tp
                      + ", reason="
                      + why
                      + ", offset="
                      + next.get()));
    };
  }

  private CompletionStage<Source<Batch, NotUsed>> openAt(long from, int resets) {
    return partitions
        .openReader(tp, from, settings)
        .thenApply(chunks -> chunks.map(chunk -> new Batch(chunk, from)))
        .exceptionallyComposeAsync(
            failure -> {
              Throwable cause = Completions.unwrap(failure);
              if (cause instanceof RunnelException refused
                  && refused.code() == ErrorCode.OFFSET_OUT_OF_RANGE
                  && resets < MAX_RESETS) {
                return reset(refused.detail())
                    .thenComposeAsync(
                        offset -> {
                          next.set(offset);
                          return openAt(offset, resets + 1);
                        },
                        executor);
              }
              return CompletableFuture.failedFuture(cause);
            },
            executor);
  }

  private CompletionStage<Long> listOffsets(OffsetSpec spec) {
    return partitions
        .listOffsets(tp, spec, settings.requestTimeout())
        .thenApply(
            reply -> {
              if (reply instanceof OffsetsReply.OffsetFound found) {
                return found.offset();
              }
              OffsetsReply.OffsetsFailed failed = (OffsetsReply.OffsetsFailed) reply;
              throw new RunnelException(failed.code(), failed.message());
            });
  }

  // ------------------------------------------------------------------ decoding

  /** A chunk of records and the offset its reader was opened at (records before it are skipped). */
  private record Batch(PartitionAccess.Chunk chunk, long from) {}

  /** The chunk's records at or after the offset read from; notes the offset after the last. */
  private List<ConsumerRecord<K, V>> records(Batch batch) {
    PartitionAccess.Chunk chunk = batch.chunk();
    metrics.batchReceived();
    List<ConsumerRecord<K, V>> records = new ArrayList<>(chunk.records().size());
    for (Record record : chunk.records()) {
      if (record.offset() < batch.from()) {
        continue;
      }
      long timestamp = chunk.logAppendTime() >= 0 ? chunk.logAppendTime() : record.timestamp();
      records.add(consumerRecord(record, timestamp, chunk.timestampType()));
    }
    metrics.recordsReceived(records.size());
    if (!records.isEmpty()) {
      next.set(records.get(records.size() - 1).offset() + 1);
    }
    return records;
  }

  private ConsumerRecord<K, V> consumerRecord(
      Record record, long timestamp, TimestampType timestampType) {
    return deserialize(
        settings,
        tp,
        record.offset(),
        timestamp,
        timestampType,
        Headers.of(record.headers()),
        record.key(),
        record.value());
  }

  /**
   * A stored record as consumed: key and value through the settings' deserializers.
   *
   * @throws RunnelException with {@code INVALID_RECORD} when a deserializer throws
   */
  static <K, V> ConsumerRecord<K, V> deserialize(
      ConsumerSettings<K, V> settings,
      TopicPartition tp,
      long offset,
      long timestamp,
      TimestampType timestampType,
      Headers headers,
      byte[] key,
      byte[] value) {
    String topic = tp.topic();
    K k;
    V v;
    try {
      k = settings.keyDeserializer().deserialize(topic, headers, key);
      v = settings.valueDeserializer().deserialize(topic, headers, value);
    } catch (RuntimeException e) {
      throw new RunnelException(
          ErrorCode.INVALID_RECORD,
          "Cannot deserialize record: topicPartition="
              + tp
              + ", offset="
              + offset
              + ", reason="
              + e.getMessage(),
          e);
    }
    return new ConsumerRecord<>(
        topic,
        tp.partition(),
        offset,
        timestamp,
        timestampType,
        k,
        v,
        headers,
        key == null ? ConsumerRecord.NULL_SIZE : key.length,
        value == null ? ConsumerRecord.NULL_SIZE : value.length);
  }
}
