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
import dev.runnel.actors.group.GroupIds;
import dev.runnel.actors.group.OffsetAndMetadata;
import dev.runnel.actors.group.OffsetsFetched;
import dev.runnel.actors.partition.OffsetSpec;
import dev.runnel.actors.partition.OffsetsReply;
import dev.runnel.actors.partition.PartitionCommand;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * Topic and consumer-group administration, named after Kafka's Admin client. Requests go to the
 * cluster's topic registry, a partition (for offsets) or a group's coordinator; each waits up to
 * {@code runnel.admin.request.timeout.ms} for the answer and then fails with {@code
 * REQUEST_TIMED_OUT}. Refusals fail with the registry's {@link ErrorCode}: {@code
 * TOPIC_ALREADY_EXISTS}, {@code INVALID_TOPIC_EXCEPTION}, {@code INVALID_PARTITIONS}, {@code
 * INVALID_CONFIG}, {@code UNKNOWN_TOPIC_OR_PARTITION}, {@code TOPIC_DELETION_IN_PROGRESS}, {@code
 * INVALID_REQUEST}; or the coordinator's: {@code INVALID_GROUP_ID}, {@code NON_EMPTY_GROUP}, {@code
 * GROUP_ID_NOT_FOUND}.
 *
 * <p>Changes that add to a topic ({@link #createTopic}, {@link #createPartitions}, {@link
 * #alterTopicConfig}) complete once this node's metadata shows them, so a producer or consumer of
 * this node started afterwards sees them at once.
 *
 * <p>Every stage completes on the actor system's executor. Thread-safe.
 */
public final class RunnelAdmin {

  private static final Comparator<TopicPartition> BY_NAME =
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  private final RunnelNode node;
  private final Duration timeout;
  private final ActorSystem<Void> system;
  private final Executor executor;

  RunnelAdmin(RunnelNode node, Duration timeout) {
    this.node = node;
    this.timeout = timeout;
    this.system = node.system();
    this.executor = system.executionContext();
  }

  /** Creates a topic; answers its description. */
  public CompletionStage<TopicDescription> createTopic(NewTopic topic) {
    Objects.requireNonNull(topic, "topic");
    int partitions = topic.numPartitions().orElse(-1);
    return topicChange(
        "request=createTopic, topic=" + topic.name(),
        replyTo -> new CreateTopic(topic.name(), partitions, topic.configs(), replyTo),
        created -> metadata -> !metadata.deleting() && metadata.equals(created));
  }

  /** The topic as the registry knows it now, also while it is being deleted. */
  public CompletionStage<TopicDescription> describeTopic(String name) {
    return topicChange(
        "request=describeTopic, topic=" + name,
        replyTo -> new DescribeTopic(name, replyTo),
        described -> null);
  }

  /** The names of all topics, sorted; topics being deleted are left out, as Kafka does. */
  public CompletionStage<SortedSet<String>> listTopics() {
    String request = "request=listTopics";
    CompletionStage<SortedSet<String>> names =
        Completions.<TopicRegistryCommand, TopicList>ask(
                node.topicRegistry(), ListTopics::new, timeout, system, request)
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
    return Completions.onExecutor(names, executor, request);
  }

  /**
   * Changes a topic's own settings as Kafka's incremental alter does: {@code set} gives new values
   * under Kafka's names, {@code reset} returns settings to the topic defaults.
   */
  public CompletionStage<TopicDescription> alterTopicConfig(
      String name, Map<String, String> set, Set<String> reset) {
    return topicChange(
        "request=alterTopicConfig, topic=" + name,
        replyTo -> new AlterTopicConfig(name, set, reset, replyTo),
        altered -> metadata -> metadata.equals(altered));
  }

  /** Grows a topic to {@code totalCount} partitions (partitions never shrink). */
  public CompletionStage<TopicDescription> createPartitions(String name, int totalCount) {
    return topicChange(
        "request=createPartitions, topic=" + name + ", totalCount=" + totalCount,
        replyTo -> new CreatePartitions(name, totalCount, replyTo),
        grown -> metadata -> metadata.partitions() >= grown.partitions());
  }

  /**
   * Starts deleting a topic: completes once the deletion is recorded. The topic then takes no
   * records; its partitions' logs are deleted and its name becomes free in the background.
   */
  public CompletionStage<Done> deleteTopic(String name) {
    return topicChange(
            "request=deleteTopic, topic=" + name,
            replyTo -> new DeleteTopic(name, replyTo),
            deleted -> null)
        .thenApply(description -> Done.getInstance());
  }

  /**
   * An offset of a partition, as Kafka's {@code listOffsets}: the log start offset ({@link
   * OffsetSpec#earliest()}), the high watermark ({@link OffsetSpec#latest()}), or the first offset
   * at or after a time ({@link OffsetSpec#forTimestamp(long)}).
   *
   * <p>Fails with {@code UNKNOWN_TOPIC_OR_PARTITION} at once if this node's metadata has no such
   * partition.
   */
  public CompletionStage<ListOffsetsResultInfo> listOffsets(TopicPartition tp, OffsetSpec spec) {
    Objects.requireNonNull(tp, "tp");
    Objects.requireNonNull(spec, "spec");
    String request = "request=listOffsets, topicPartition=" + tp + ", spec=" + spec;
    if (node.topics().topic(tp.topic()).filter(m -> tp.partition() < m.partitions()).isEmpty()) {
      return Completions.failed(
          new RunnelException(
              ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "No such partition: topicPartition=" + tp),
          executor);
    }
    CompletionStage<ListOffsetsResultInfo> found =
        Completions.<PartitionCommand, OffsetsReply>ask(
                node.partition(tp),
                replyTo -> new ListOffsets(spec, replyTo),
                timeout,
                system,
                request)
            .thenApply(
                reply -> {
                  if (reply instanceof OffsetsReply.OffsetFound offset) {
                    return new ListOffsetsResultInfo(offset.offset(), offset.timestamp());
                  }
                  OffsetsReply.OffsetsFailed failed = (OffsetsReply.OffsetsFailed) reply;
                  throw new RunnelException(failed.code(), failed.message());
                });
    return Completions.onExecutor(found, executor, request);
  }

  // ------------------------------------------------------------------ consumer groups

  /**
   * Every consumer group with stored data (committed offsets or a generation), sorted by id, with
   * its state now, as Kafka's {@code listConsumerGroups}.
   */
  public CompletionStage<List<ConsumerGroupListing>> listConsumerGroups() {
    CompletionStage<List<ConsumerGroupListing>> listed =
        node.listGroups()
            .thenComposeAsync(
                ids -> {
                  List<CompletableFuture<ConsumerGroupListing>> described = new ArrayList<>();
                  for (String id : new TreeSet<>(ids)) {
                    described.add(
                        describe(id)
                            .thenApply(d -> new ConsumerGroupListing(id, d.state()))
                            .toCompletableFuture());
                  }
                  return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new))
                      .thenApply(all -> described.stream().map(CompletableFuture::join).toList());
                },
                executor);
    return Completions.onExecutor(listed, executor, "request=listConsumerGroups");
  }

  /**
   * A consumer group's state, generation, assignor and members with their assignments, as Kafka's
   * {@code describeConsumerGroups}. A group nobody ever used is described {@code EMPTY}, generation
   * 0, without members.
   */
  public CompletionStage<GroupDescription> describeConsumerGroup(String groupId) {
    return Completions.onExecutor(
        validGroup(groupId).thenCompose(valid -> describe(groupId)),
        executor,
        "request=describeConsumerGroup, groupId=" + groupId);
  }

  private CompletionStage<GroupDescription> describe(String groupId) {
    return node.group(groupId).ask(DescribeGroup::new, timeout);
  }

  /**
   * A consumer group's committed offsets, by partition, each with the partition's high watermark
   * and the group's lag there (high watermark minus committed offset), as Kafka's {@code
   * listConsumerGroupOffsets} and {@code kafka-consumer-groups --describe}.
   */
  public CompletionStage<Map<TopicPartition, ConsumerGroupOffset>> listConsumerGroupOffsets(
      String groupId) {
    CompletionStage<Map<TopicPartition, ConsumerGroupOffset>> listed =
        validGroup(groupId)
            .thenCompose(
                valid ->
                    node.group(groupId)
                        .<OffsetsFetched>ask(
                            replyTo -> new FetchOffsets(Optional.empty(), replyTo), timeout))
            .thenComposeAsync(fetched -> withLag(fetched.offsets()), executor);
    return Completions.onExecutor(
        listed, executor, "request=listConsumerGroupOffsets, groupId=" + groupId);
  }

  /**
   * The committed offsets with their partitions' high watermarks, asked of the partitions
   * themselves: right after a node starts, its metadata may not know every topic yet. A partition
   * that does not answer (its topic is gone) is reported with high watermark and lag -1.
   */
  private CompletionStage<Map<TopicPartition, ConsumerGroupOffset>> withLag(
      Map<TopicPartition, OffsetAndMetadata> committed) {
    Map<TopicPartition, CompletableFuture<Long>> ends = new TreeMap<>(BY_NAME);
    committed
        .keySet()
        .forEach(
            tp ->
                ends.put(
                    tp,
                    node.partition(tp)
                        .<OffsetsReply>ask(
                            replyTo -> new ListOffsets(OffsetSpec.latest(), replyTo), timeout)
                        .handle(
                            (reply, failure) ->
                                reply instanceof OffsetsReply.OffsetFound found
                                    ? found.offset()
                                    : -1L)
                        .toCompletableFuture()));
    return CompletableFuture.allOf(ends.values().toArray(CompletableFuture[]::new))
        .thenApply(
            all -> {
              Map<TopicPartition, ConsumerGroupOffset> offsets = new TreeMap<>(BY_NAME);
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

  /**
   * Sets a consumer group's committed offsets to the earliest, latest or a timestamp's offset of
   * each partition ({@link OffsetSpec}; a timestamp after the last record gives the high
   * watermark), as Kafka's {@code kafka-consumer-groups --reset-offsets}. Other partitions keep
   * theirs. Answers the offsets set. Refused with {@code NON_EMPTY_GROUP} while the group has
   * members.
   */
  public CompletionStage<Map<TopicPartition, Long>> resetConsumerGroupOffsets(
      String groupId, Map<TopicPartition, OffsetSpec> specs) {
    CompletionStage<Map<TopicPartition, Long>> reset =
        validGroup(groupId)
            .thenCompose(valid -> resolveOffsets(specs))
            .thenCompose(offsets -> setOffsets(groupId, offsets));
    return Completions.onExecutor(
        reset, executor, "request=resetConsumerGroupOffsets, groupId=" + groupId);
  }

  /**
   * The offsets {@link #resetConsumerGroupOffsets} would set for {@code specs}, without setting
   * them (a dry run): a timestamp after the last record gives the high watermark.
   */
  public CompletionStage<Map<TopicPartition, Long>> resolveOffsets(
      Map<TopicPartition, OffsetSpec> specs) {
    Map<TopicPartition, CompletableFuture<Long>> resolved = new TreeMap<>(BY_NAME);
    specs.forEach(
        (tp, spec) ->
            resolved.put(
                tp,
                listOffsets(tp, spec)
                    .thenCompose(
                        found ->
                            found.offset() >= 0
                                ? CompletableFuture.completedFuture(found)
                                : listOffsets(tp, OffsetSpec.latest()))
                    .thenApply(ListOffsetsResultInfo::offset)
                    .toCompletableFuture()));
    return CompletableFuture.allOf(resolved.values().toArray(CompletableFuture[]::new))
        .thenApplyAsync(
            all -> {
              Map<TopicPartition, Long> offsets = new TreeMap<>(BY_NAME);
              resolved.forEach((tp, offset) -> offsets.put(tp, offset.join()));
              return offsets;
            },
            executor);
  }

  /**
   * Sets a consumer group's committed offsets to the given ones (the next offset to read, per
   * partition). Other partitions keep theirs. Refused with {@code NON_EMPTY_GROUP} while the group
   * has members, {@code UNKNOWN_TOPIC_OR_PARTITION} for a partition that does not exist and {@code
   * OFFSET_OUT_OF_RANGE} for a negative offset.
   */
  public CompletionStage<Map<TopicPartition, Long>> alterConsumerGroupOffsets(
      String groupId, Map<TopicPartition, Long> offsets) {
    return Completions.onExecutor(
        validGroup(groupId).thenCompose(valid -> setOffsets(groupId, offsets)),
        executor,
        "request=alterConsumerGroupOffsets, groupId=" + groupId);
  }

  private CompletionStage<Map<TopicPartition, Long>> setOffsets(
      String groupId, Map<TopicPartition, Long> offsets) {
    Map<TopicPartition, Long> sorted = new TreeMap<>(BY_NAME);
    sorted.putAll(offsets);
    return node.group(groupId)
        .<CommitReply>ask(replyTo -> new ResetOffsets(offsets, replyTo), timeout)
        .thenApply(
            reply -> {
              if (reply instanceof CommitReply.CommitFailed failed) {
                throw new RunnelException(failed.code(), failed.message());
              }
              return Collections.unmodifiableMap(sorted);
            });
  }

  /**
   * Deletes a consumer group and its committed offsets, as Kafka's {@code deleteConsumerGroups}.
   * Refused with {@code NON_EMPTY_GROUP} while it has members, {@code GROUP_ID_NOT_FOUND} when it
   * has no stored data.
   */
  public CompletionStage<Done> deleteConsumerGroup(String groupId) {
    CompletionStage<Done> deleted =
        validGroup(groupId)
            .thenCompose(
                valid -> node.group(groupId).<DeleteGroupReply>ask(DeleteGroup::new, timeout))
            .thenApply(
                reply -> {
                  if (reply instanceof DeleteGroupReply.DeleteGroupFailed failed) {
                    throw new RunnelException(failed.code(), failed.message());
                  }
                  return Done.getInstance();
                });
    return Completions.onExecutor(
        deleted, executor, "request=deleteConsumerGroup, groupId=" + groupId);
  }

  /** Completes when the id is valid, else fails with {@code INVALID_GROUP_ID}. */
  private static CompletionStage<Done> validGroup(String groupId) {
    try {
      GroupIds.validate(groupId);
      return CompletableFuture.completedFuture(Done.getInstance());
    } catch (RunnelException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * This node's view of its cluster: the members with their status and reachability, the partitions
   * each hosts, and this node's health ({@link RunnelNode#clusterStatus()}). Fails with {@code
   * NOT_AVAILABLE} only when the node is stopping; a member that does not answer is shown without
   * its partitions.
   */
  public CompletionStage<ClusterStatus> clusterStatus() {
    return Completions.onExecutor(node.clusterStatus(), executor, "request=clusterStatus");
  }

  /**
   * Asks the registry, turns a refusal into its {@link RunnelException}, and waits until this
   * node's metadata satisfies {@code visible} (when it is not null).
   */
  private CompletionStage<TopicDescription> topicChange(
      String request,
      Function<ActorRef<TopicReply>, TopicRegistryCommand> command,
      java.util.function.Function<TopicMetadata, Predicate<TopicMetadata>> visible) {
    CompletionStage<TopicMetadata> done =
        Completions.ask(node.topicRegistry(), command, timeout, system, request)
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
                });
    return Completions.onExecutor(done.thenApply(TopicDescription::of), executor, request);
  }
}
