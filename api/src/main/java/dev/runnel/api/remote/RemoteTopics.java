package dev.runnel.api.remote;

import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.partition.OffsetSpec;
import dev.runnel.actors.topic.TopicConfig;
import dev.runnel.actors.topic.TopicConfigs;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.api.admin.ListOffsetsResultInfo;
import dev.runnel.api.grpc.v1.DescribeTopicRequest;
import dev.runnel.api.grpc.v1.ListOffsetsRequest;
import dev.runnel.api.grpc.v1.PartitionOffset;
import dev.runnel.api.grpc.v1.PartitionOffsetRequest;
import dev.runnel.api.grpc.v1.TopicDescription;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Topic metadata and offsets of a remote client, from the server's {@code DescribeTopic} and {@code
 * ListOffsets}: what a node's metadata cache and partitions are to an embedded admin, producer or
 * consumer. Thread-safe.
 */
public final class RemoteTopics {

  private final RemoteConnection connection;
  private final Executor executor;

  public RemoteTopics(RemoteConnection connection) {
    this.connection = connection;
    this.executor = connection.system().executionContext();
  }

  /** The metadata of a described topic. The server keeps the topic's id to itself. */
  public static TopicMetadata metadata(TopicDescription topic) {
    // The server sends every setting, so the defaults are never used.
    TopicConfig config = TopicConfigs.parse(topic.getConfigsMap(), TopicConfig.KAFKA_DEFAULTS);
    return new TopicMetadata(
        topic.getName(), topic.getPartitions(), config, topic.getDeleting(), "");
  }

  /** The topic as the server knows it now; refusals and failures as {@link RemoteErrors} names. */
  public CompletionStage<TopicMetadata> describe(String name) {
    return RemoteErrors.onExecutor(
            connection
                .client()
                .describeTopic(DescribeTopicRequest.newBuilder().setName(name).build()),
            connection.settings().requestTimeout(),
            executor,
            "request=describeTopic, topic=" + name)
        .thenApply(RemoteTopics::metadata);
  }

  /**
   * Describes the topic every {@code retryEvery} until {@code ready} accepts it, as a node's {@code
   * TopicMetadataCache.await} waits for its metadata, also while the server is away. Fails once
   * {@code timeout} has passed, with {@code UNKNOWN_TOPIC_OR_PARTITION}, or with the last failure
   * when that was the server's absence ({@code NOT_AVAILABLE}); at once with a failure no retry can
   * help.
   */
  public CompletionStage<TopicMetadata> await(
      String name, Predicate<TopicMetadata> ready, Duration timeout, Duration retryEvery) {
    return await(name, ready, System.nanoTime() + timeout.toNanos(), timeout, retryEvery);
  }

  private CompletionStage<TopicMetadata> await(
      String name,
      Predicate<TopicMetadata> ready,
      long deadline,
      Duration timeout,
      Duration retryEvery) {
    return describe(name)
        .handle(
            (metadata, failure) -> {
              if (failure == null && ready.test(metadata)) {
                return CompletableFuture.completedFuture(metadata);
              }
              RunnelException error =
                  failure == null ? null : RemoteErrors.toRunnelException(failure, name);
              boolean absent =
                  error == null || error.code() == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
              if (!absent && !error.retriable()) {
                return CompletableFuture.<TopicMetadata>failedFuture(error);
              }
              if (System.nanoTime() + retryEvery.toNanos() > deadline) {
                return CompletableFuture.<TopicMetadata>failedFuture(
                    absent
                        ? new RunnelException(
                            ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                            "Topic not available in time: topic="
                                + name
                                + ", timeoutMs="
                                + timeout.toMillis()
                                + ", described="
                                + metadata)
                        : error);
              }
              Executor later =
                  CompletableFuture.delayedExecutor(
                      retryEvery.toNanos(), TimeUnit.NANOSECONDS, executor);
              return CompletableFuture.supplyAsync(() -> name, later)
                  .thenCompose(again -> await(name, ready, deadline, timeout, retryEvery));
            })
        .thenCompose(next -> next);
  }

  /**
   * An offset of a partition, as {@code RunnelAdmin.listOffsets}; refusals and failures as {@link
   * RemoteErrors} names.
   */
  public CompletionStage<ListOffsetsResultInfo> listOffsets(
      TopicPartition tp, OffsetSpec spec, Duration timeout) {
    PartitionOffsetRequest.Builder wanted =
        PartitionOffsetRequest.newBuilder().setPartition(tp.partition());
    switch (spec.kind()) {
      case EARLIEST -> wanted.setOffsetSpec(dev.runnel.api.grpc.v1.OffsetSpec.OFFSET_SPEC_EARLIEST);
      case LATEST -> wanted.setOffsetSpec(dev.runnel.api.grpc.v1.OffsetSpec.OFFSET_SPEC_LATEST);
      case TIMESTAMP -> wanted.setTimestamp(spec.timestamp());
    }
    return RemoteErrors.onExecutor(
            connection
                .client()
                .listOffsets(
                    ListOffsetsRequest.newBuilder()
                        .setTopic(tp.topic())
                        .addPartitions(wanted)
                        .build()),
            timeout,
            executor,
            "request=listOffsets, topicPartition=" + tp + ", spec=" + spec)
        .thenApply(
            response -> {
              PartitionOffset found = response.getOffsets(0);
              return new ListOffsetsResultInfo(found.getOffset(), found.getTimestamp());
            });
  }
}
