package dev.runnel.api.producer;

import com.google.protobuf.UnsafeByteOperations;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.partition.AppendReply;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.api.grpc.v1.Acks;
import dev.runnel.api.grpc.v1.Compression;
import dev.runnel.api.grpc.v1.CreateTopicRequest;
import dev.runnel.api.grpc.v1.InitProducerRequest;
import dev.runnel.api.grpc.v1.PartitionResult;
import dev.runnel.api.grpc.v1.ProduceError;
import dev.runnel.api.grpc.v1.ProduceRequest;
import dev.runnel.api.grpc.v1.ProducerIdentity;
import dev.runnel.api.grpc.v1.ProducerRecord;
import dev.runnel.api.grpc.v1.RunnelServiceClient;
import dev.runnel.api.remote.RemoteConnection;
import dev.runnel.api.remote.RemoteErrors;
import dev.runnel.api.remote.RemoteTopics;
import dev.runnel.persistence.record.Header;
import dev.runnel.persistence.record.RecordBatch;
import dev.runnel.sharding.Partitioner;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * A producer's access to a Runnel server over gRPC. Metadata comes from {@code DescribeTopic} and
 * is kept per topic for {@code metadata.max.age.ms}, or until the server answers a batch with
 * {@code UNKNOWN_TOPIC_OR_PARTITION} or {@code TOPIC_DELETION_IN_PROGRESS}, or a record names a
 * partition the kept metadata lacks: the next record of the topic then waits for a fresh
 * description, in order with the records after it. A sealed batch goes into the producer's {@link
 * ProduceStream} as one request with its explicit partition, its records as the batch's entries
 * hold them, and, for an idempotent producer, its producer id and base sequence: a batch resent
 * after a lost answer (a server restart) is written once, as embedded. The sticky partition turn is
 * this producer's own.
 *
 * <p>Thread-safe.
 */
final class RemoteProducerAccess implements ProducerAccess {

  /**
   * A topic's description, when it was taken, and whether something showed it out of date.
   *
   * @param atNanos {@link System#nanoTime()} when the description came
   */
  private record Described(TopicMetadata metadata, long atNanos, boolean stale) {}

  private final RunnelServiceClient client;
  private final Executor executor;
  private final ProduceStream stream;
  private final Partitioner partitioner = new Partitioner();
  private final RemoteTopics topics;
  private final ConcurrentHashMap<String, Described> known = new ConcurrentHashMap<>();
  private final Acks acks;
  private final Compression compression;
  private final boolean autoCreateTopics;
  private final Duration requestTimeout;
  private final Duration retryBackoff;
  private final long metadataMaxAgeNanos;

  RemoteProducerAccess(ProducerSettings<?, ?> settings) {
    RemoteConnection connection = settings.runnel().remote();
    this.client = connection.client();
    this.stream = new ProduceStream(connection);
    this.topics = new RemoteTopics(connection);
    this.executor = connection.system().executionContext();
    this.acks =
        switch (settings.acks()) {
          case NONE -> Acks.ACKS_NONE;
          case LEADER -> Acks.ACKS_LEADER;
          case ALL -> Acks.ACKS_ALL;
        };
    this.compression =
        switch (settings.compression()) {
          case NONE -> Compression.COMPRESSION_NONE;
          case LZ4 -> Compression.COMPRESSION_LZ4;
          case ZSTD -> Compression.COMPRESSION_ZSTD;
        };
    this.autoCreateTopics =
        connection.system().settings().config().getBoolean("runnel.auto-create-topics");
    this.requestTimeout = settings.requestTimeout();
    this.retryBackoff = settings.retryBackoff();
    this.metadataMaxAgeNanos = settings.metadataMaxAge().toNanos();
  }

  @Override
  public Optional<TopicMetadata> topic(String name) {
    Described described = known.get(name);
    if (described == null
        || described.stale()
        || System.nanoTime() - described.atNanos() >= metadataMaxAgeNanos) {
      return Optional.empty();
    }
    return Optional.of(described.metadata());
  }

  @Override
  public Optional<TopicMetadata> lastKnown(String name) {
    return Optional.ofNullable(known.get(name)).map(Described::metadata);
  }

  @Override
  public void stale(String topic) {
    known.computeIfPresent(
        topic, (name, described) -> new Described(described.metadata(), described.atNanos(), true));
  }

  /**
   * Describes the topic until it exists and is not being deleted, every {@code retry.backoff.ms},
   * within {@code maxBlock} (also while the server is away); with {@code runnel.auto-create-topics}
   * on, creates it once first.
   */
  @Override
  public CompletionStage<TopicMetadata> awaitTopic(String name, Duration maxBlock) {
    if (!autoCreateTopics) {
      return describe(name, maxBlock);
    }
    return call(
            client.createTopic(CreateTopicRequest.newBuilder().setName(name).build()),
            "request=createTopic, topic=" + name)
        .handle(
            (created, failure) -> {
              RunnelException error =
                  failure == null ? null : RemoteErrors.toRunnelException(failure, name);
              if (error != null && error.code() != ErrorCode.TOPIC_ALREADY_EXISTS) {
                throw error;
              }
              return created;
            })
        .thenCompose(created -> describe(name, maxBlock));
  }

  private CompletionStage<TopicMetadata> describe(String name, Duration maxBlock) {
    return topics
        .await(name, metadata -> !metadata.deleting(), maxBlock, retryBackoff)
        .thenApply(
            metadata -> {
              known.put(name, new Described(metadata, System.nanoTime(), false));
              return metadata;
            });
  }

  @Override
  public int nextStickyPartition(String topic, int partitions) {
    return partitioner.nextStickyPartition(topic, partitions);
  }

  /** InitProducer; a new id's epoch is 0, the epoch {@link PartitionSender} seals batches with. */
  @Override
  public CompletionStage<Long> allocateProducerId(Duration timeout) {
    return RemoteErrors.onExecutor(
            client.initProducer(InitProducerRequest.getDefaultInstance()),
            timeout,
            executor,
            "request=initProducer")
        .thenApply(response -> response.getProducerId());
  }

  @Override
  public CompletionStage<AppendReply> append(ProducerBatch batch, Duration timeout) {
    TopicPartition tp = batch.partition();
    ProduceRequest.Builder request =
        ProduceRequest.newBuilder()
            .setTopic(tp.topic())
            .setPartition(tp.partition())
            .setAcks(acks)
            .setCompression(compression);
    for (ProducerBatch.Entry entry : batch.entries()) {
      request.addRecords(record(entry));
    }
    if (batch.producerId() != RecordBatch.NO_PRODUCER_ID) {
      request.setProducer(
          ProducerIdentity.newBuilder()
              .setProducerId(batch.producerId())
              .setProducerEpoch(0)
              .setBaseSequence(batch.baseSequence()));
    }
    String facts = "request=produce, topicPartition=" + tp + ", records=" + batch.recordCount();
    return RemoteErrors.onExecutor(stream.send(request.build(), timeout), executor, facts)
        .thenApply(
            response -> {
              if (response.hasError()) {
                ProduceError error = response.getError();
                ErrorCode code = code(error);
                if (code == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
                    || code == ErrorCode.TOPIC_DELETION_IN_PROGRESS) {
                  stale(tp.topic());
                }
                return new AppendReply.AppendFailed(code, error.getMessage());
              }
              PartitionResult result = response.getResults(0);
              return new AppendReply.Appended(
                  result.getBaseOffset(), result.getLogAppendTime(), result.getLogStartOffset());
            });
  }

  @Override
  public void close() {
    stream.close();
  }

  /** The error's code; one this client does not know is named by whether a retry may help. */
  private static ErrorCode code(ProduceError error) {
    try {
      return ErrorCode.valueOf(error.getCode());
    } catch (IllegalArgumentException unknown) {
      return error.getRetriable() ? ErrorCode.NOT_AVAILABLE : ErrorCode.INVALID_REQUEST;
    }
  }

  private static ProducerRecord record(ProducerBatch.Entry entry) {
    ProducerRecord.Builder record = ProducerRecord.newBuilder().setTimestamp(entry.timestamp());
    if (entry.key() != null) {
      record.setKey(UnsafeByteOperations.unsafeWrap(entry.key()));
    }
    if (entry.value() != null) {
      record.setValue(UnsafeByteOperations.unsafeWrap(entry.value()));
    }
    for (Header header : entry.headers()) {
      dev.runnel.api.grpc.v1.Header.Builder out =
          dev.runnel.api.grpc.v1.Header.newBuilder().setKey(header.key());
      if (header.value() != null) {
        out.setValue(UnsafeByteOperations.unsafeWrap(header.value()));
      }
      record.addHeaders(out);
    }
    return record.build();
  }

  private <T> CompletionStage<T> call(CompletionStage<T> call, String request) {
    return RemoteErrors.onExecutor(call, requestTimeout, executor, request);
  }
}
