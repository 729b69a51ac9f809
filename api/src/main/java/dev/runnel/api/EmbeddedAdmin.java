package dev.runnel.api;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.japi.function.Function;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.group.CommitReply;
import dev.runnel.actors.group.DeleteGroupReply;
import dev.runnel.actors.group.GroupCommand.DeleteGroup;
import dev.runnel.actors.group.GroupCommand.DescribeGroup;
import dev.runnel.actors.group.GroupCommand.FetchOffsets;
import dev.runnel.actors.group.GroupCommand.ResetOffsets;
import dev.runnel.actors.group.GroupDescription;
import dev.runnel.actors.group.OffsetAndMetadata;
import dev.runnel.actors.group.OffsetsFetched;
import dev.runnel.actors.partition.OffsetSpec;
import dev.runnel.actors.partition.OffsetsReply;
import dev.runnel.actors.partition.PartitionCommand.ListOffsets;
import dev.runnel.actors.topic.TopicList;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.actors.topic.TopicRegistryCommand;
import dev.runnel.actors.topic.TopicRegistryCommand.AlterTopicConfig;
import dev.runnel.actors.topic.TopicRegistryCommand.CreatePartitions;
import dev.runnel.actors.topic.TopicRegistryCommand.CreateTopic;
import dev.runnel.actors.topic.TopicRegistryCommand.DeleteTopic;
import dev.runnel.actors.topic.TopicRegistryCommand.DescribeTopic;
import dev.runnel.actors.topic.TopicRegistryCommand.ListTopics;
import dev.runnel.actors.topic.TopicReply;
import dev.runnel.api.admin.ConsumerGroupListing;
import dev.runnel.api.admin.ConsumerGroupOffset;
import dev.runnel.api.admin.ListOffsetsResultInfo;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.admin.TopicDescription;
import dev.runnel.api.internal.Completions;
import dev.runnel.sharding.ClusterStatus;
import dev.runnel.sharding.RunnelNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * The admin requests of a node in this JVM: they go to the cluster's topic registry, a partition
 * (for offsets) or a group's coordinator, each waiting up to {@code
 * runnel.admin.request.timeout.ms}. Changes that add to a topic complete once this node's metadata
 * shows them, so a producer or consumer of this node started afterwards sees them at once.
 * Thread-safe.
 */
final class EmbeddedAdmin implements AdminCalls {

  private final RunnelNode node;
  private final Duration timeout;
  private final ActorSystem<Void> system;
  private final Executor executor;

  EmbeddedAdmin(RunnelNode node, Duration timeout) {
    this.node = node;
    this.timeout = timeout;
    this.system = node.system();
    this.executor = system.executionContext();
  }

  @Override
  public CompletionStage<TopicDescription> createTopic(NewTopic topic) {
    int partitions = topic.numPartitions().orElse(-1);
    return topicChange(
        "request=createTopic, topic=" + topic.name(),
        replyTo -> new CreateTopic(topic.name(), partitions, topic.configs(), replyTo),
        created -> metadata -> !metadata.deleting() && metadata.equals(created));
  }

  @Override
  public CompletionStage<TopicDescription> describeTopic(String name) {
    return topicChange(
        "request=describeTopic, topic=" + name,
        replyTo -> new DescribeTopic(name, replyTo),
        described -> null);
  }

  @Override
  public CompletionStage<SortedSet<String>> listTopics() {
    return Completions.<TopicRegistryCommand, TopicList>ask(
            node.topicRegistry(), ListTopics::new, timeout, system, "request=listTopics")
        .thenApply(
            list -> {
              SortedSet<String> visible = new TreeSet<>();
              for (TopicMetadata topic : list.topics()) {
                if (!topic.deleting()) {
                  visible.add(topic.name());
                }
              }
              return visible;
            });
  }

  @Override
  public CompletionStage<TopicDescription> alterTopicConfig(
      String name, Map<String, String> set, Set<String> reset) {
    return topicChange(
        "request=alterTopicConfig, topic=" + name,
        replyTo -> new AlterTopicConfig(name, set, reset, replyTo),
        altered -> metadata -> metadata.equals(altered));
  }

  @Override
  public CompletionStage<TopicDescription> createPartitions(String name, int totalCount) {
    return topicChange(
        "request=createPartitions, topic=" + name + ", totalCount=" + totalCount,
        replyTo -> new CreatePartitions(name, totalCount, replyTo),
        grown -> metadata -> metadata.partitions() >= grown.partitions());
  }

  @Override
  public CompletionStage<Done> deleteTopic(String name) {
    return topicChange(
            "request=deleteTopic, topic=" + name,
            replyTo -> new DeleteTopic(name, replyTo),
            deleted -> null)
        .thenApply(description -> Done.getInstance());
  }

  /**
   * Fails with {@code UNKNOWN_TOPIC_OR_PARTITION} at once if this node's metadata has no such
   * partition.
   */
  @Override
  public CompletionStage<ListOffsetsResultInfo> listOffsets(TopicPartition tp, OffsetSpec spec) {
    String request = "request=listOffsets, topicPartition=" + tp + ", spec=" + spec;
    if (node.topics().topic(tp.topic()).filter(m -> tp.partition() < m.partitions()).isEmpty()) {
      return CompletableFuture.failedFuture(
          new RunnelException(
              ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "No such partition: topicPartition=" + tp));
    }
    return Completions.onExecutor(
            node.<OffsetsReply>askPartition(tp, replyTo -> new ListOffsets(spec, replyTo), timeout),
            system.executionContext(),
            request)
        .thenApply(
            reply -> {
              if (reply instanceof OffsetsReply.OffsetFound offset) {
                return new ListOffsetsResultInfo(offset.offset(), offset.timestamp());
              }
              OffsetsReply.OffsetsFailed failed = (OffsetsReply.OffsetsFailed) reply;
              throw new RunnelException(failed.code(), failed.message());
            });
  }

  @Override
  public CompletionStage<List<ConsumerGroupListing>> listConsumerGroups() {
    return node.listGroups()
        .thenComposeAsync(
            ids -> {
              List<CompletableFuture<ConsumerGroupListing>> described = new ArrayList<>();
              for (String id : new TreeSet<>(ids)) {
                described.add(
                    describeConsumerGroup(id)
                        .thenApply(d -> new ConsumerGroupListing(id, d.state()))
                        .toCompletableFuture());
              }
              return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new))
                  .thenApply(all -> described.stream().map(CompletableFuture::join).toList());
            },
            executor);
  }

  @Override
  public CompletionStage<GroupDescription> describeConsumerGroup(String groupId) {
    return node.group(groupId).ask(DescribeGroup::new, timeout);
  }

  @Override
  public CompletionStage<Map<TopicPartition, ConsumerGroupOffset>> listConsumerGroupOffsets(
      String groupId) {
    return node.group(groupId)
        .<OffsetsFetched>ask(replyTo -> new FetchOffsets(Optional.empty(), replyTo), timeout)
        .thenComposeAsync(fetched -> withLag(fetched.offsets()), executor);
  }

  /**
   * The committed offsets with their partitions' high watermarks, asked of the partitions
   * themselves: right after a node starts, its metadata may not know every topic yet. A partition
   * that does not answer (its topic is gone) is reported with high watermark and lag -1.
   */
  private CompletionStage<Map<TopicPartition, ConsumerGroupOffset>> withLag(
      Map<TopicPartition, OffsetAndMetadata> committed) {
    Map<TopicPartition, CompletableFuture<Long>> ends = new TreeMap<>(RunnelAdmin.BY_NAME);
    committed
        .keySet()
        .forEach(
            tp ->
                ends.put(
                    tp,
                    node.<OffsetsReply>askPartition(
                            tp, replyTo -> new ListOffsets(OffsetSpec.latest(), replyTo), timeout)
                        .handle(
                            (reply, failure) ->
                                reply instanceof OffsetsReply.OffsetFound found
                                    ? found.offset()
                                    : -1L)
                        .toCompletableFuture()));
    return CompletableFuture.allOf(ends.values().toArray(CompletableFuture[]::new))
        .thenApply(
            all -> {
              Map<TopicPartition, ConsumerGroupOffset> offsets = new TreeMap<>(RunnelAdmin.BY_NAME);
              ends.forEach(
                  (tp, end) -> {
                    OffsetAndMetadata at = committed.get(tp);
                    long highWatermark = end.join();
                    long lag = highWatermark < 0 ? -1 : Math.max(0, highWatermark - at.offset());
                    offsets.put(
                        tp,
                        new ConsumerGroupOffset(at.offset(), at.metadata(), highWatermark, lag));
                  });
              return Collections.unmodifiableMap(offsets);
            });
  }

  @Override
  public CompletionStage<Done> setConsumerGroupOffsets(
      String groupId, Map<TopicPartition, Long> offsets) {
    return node.group(groupId)
        .<CommitReply>ask(replyTo -> new ResetOffsets(offsets, replyTo), timeout)
        .thenApply(
            reply -> {
              if (reply instanceof CommitReply.CommitFailed failed) {
                throw new RunnelException(failed.code(), failed.message());
              }
              return Done.getInstance();
            });
  }

  @Override
  public CompletionStage<Done> deleteConsumerGroup(String groupId) {
    return node.group(groupId)
        .<DeleteGroupReply>ask(DeleteGroup::new, timeout)
        .thenApply(
            reply -> {
              if (reply instanceof DeleteGroupReply.DeleteGroupFailed failed) {
                throw new RunnelException(failed.code(), failed.message());
              }
              return Done.getInstance();
            });
  }

  @Override
  public CompletionStage<ClusterStatus> clusterStatus() {
    return node.clusterStatus();
  }

  /**
   * Asks the registry, turns a refusal into its {@link RunnelException}, and waits until this
   * node's metadata satisfies {@code visible} (when it is not null).
   */
  private CompletionStage<TopicDescription> topicChange(
      String request,
      Function<ActorRef<TopicReply>, TopicRegistryCommand> command,
      java.util.function.Function<TopicMetadata, Predicate<TopicMetadata>> visible) {
    return Completions.ask(node.topicRegistry(), command, timeout, system, request)
        .thenCompose(
            reply -> {
              if (reply instanceof TopicReply.TopicFailed failed) {
                throw new RunnelException(failed.code(), failed.message());
              }
              TopicMetadata metadata = ((TopicReply.TopicOk) reply).topic();
              Predicate<TopicMetadata> shown = visible.apply(metadata);
              return shown == null
                  ? CompletableFuture.completedFuture(metadata)
                  : node.topics().await(metadata.name(), shown, timeout);
            })
        .thenApply(TopicDescription::of);
  }
}
