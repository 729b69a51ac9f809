package dev.runnel.api;

import akka.Done;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.group.GroupDescription;
import dev.runnel.actors.group.GroupIds;
import dev.runnel.actors.partition.OffsetSpec;
import dev.runnel.api.admin.ConsumerGroupListing;
import dev.runnel.api.admin.ConsumerGroupOffset;
import dev.runnel.api.admin.ListOffsetsResultInfo;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.admin.TopicDescription;
import dev.runnel.api.internal.Completions;
import dev.runnel.sharding.ClusterStatus;
import dev.runnel.sharding.RunnelNode;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Topic and consumer-group administration, named after Kafka's Admin client. Embedded, requests go
 * to the cluster's topic registry, a partition (for offsets) or a group's coordinator, each waiting
 * up to {@code runnel.admin.request.timeout.ms}; remote, they are the server's gRPC admin calls,
 * each waiting up to {@code runnel.client.request-timeout}. A request not answered in time fails
 * with {@code REQUEST_TIMED_OUT}; a server that cannot be reached with {@code NOT_AVAILABLE}.
 * Refusals fail with the registry's {@link ErrorCode} in either mode: {@code TOPIC_ALREADY_EXISTS},
 * {@code INVALID_TOPIC_EXCEPTION}, {@code INVALID_PARTITIONS}, {@code INVALID_CONFIG}, {@code
 * UNKNOWN_TOPIC_OR_PARTITION}, {@code TOPIC_DELETION_IN_PROGRESS}, {@code INVALID_REQUEST}; or the
 * coordinator's: {@code INVALID_GROUP_ID}, {@code NON_EMPTY_GROUP}, {@code GROUP_ID_NOT_FOUND}.
 *
 * <p>Changes that add to a topic ({@link #createTopic}, {@link #createPartitions}, {@link
 * #alterTopicConfig}) complete once the serving node's metadata shows them, so a producer or
 * consumer started afterwards sees them at once.
 *
 * <p>Every stage completes on the actor system's executor. Thread-safe.
 */
public final class RunnelAdmin {

  static final Comparator<TopicPartition> BY_NAME =
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  private final AdminCalls calls;
  private final Executor executor;

  RunnelAdmin(AdminCalls calls, Executor executor) {
    this.calls = calls;
    this.executor = executor;
  }

  /** The admin of a node in this JVM. */
  RunnelAdmin(RunnelNode node, java.time.Duration timeout) {
    this(new EmbeddedAdmin(node, timeout), node.system().executionContext());
  }

  /** Creates a topic; answers its description. */
  public CompletionStage<TopicDescription> createTopic(NewTopic topic) {
    Objects.requireNonNull(topic, "topic");
    return call("request=createTopic, topic=" + topic.name(), () -> calls.createTopic(topic));
  }

  /** The topic as the registry knows it now, also while it is being deleted. */
  public CompletionStage<TopicDescription> describeTopic(String name) {
    return call("request=describeTopic, topic=" + name, () -> calls.describeTopic(name));
  }

  /** The names of all topics, sorted; topics being deleted are left out, as Kafka does. */
  public CompletionStage<SortedSet<String>> listTopics() {
    return call("request=listTopics", calls::listTopics);
  }

  /**
   * Changes a topic's own settings as Kafka's incremental alter does: {@code set} gives new values
   * under Kafka's names, {@code reset} returns settings to the topic defaults.
   */
  public CompletionStage<TopicDescription> alterTopicConfig(
      String name, Map<String, String> set, Set<String> reset) {
    return call(
        "request=alterTopicConfig, topic=" + name, () -> calls.alterTopicConfig(name, set, reset));
  }

  /** Grows a topic to {@code totalCount} partitions (partitions never shrink). */
  public CompletionStage<TopicDescription> createPartitions(String name, int totalCount) {
    return call(
        "request=createPartitions, topic=" + name + ", totalCount=" + totalCount,
        () -> calls.createPartitions(name, totalCount));
  }

  /**
   * Starts deleting a topic: completes once the deletion is recorded. The topic then takes no
   * records; its partitions' logs are deleted and its name becomes free in the background.
   */
  public CompletionStage<Done> deleteTopic(String name) {
    return call("request=deleteTopic, topic=" + name, () -> calls.deleteTopic(name));
  }

  /**
   * An offset of a partition, as Kafka's {@code listOffsets}: the log start offset ({@link
   * OffsetSpec#earliest()}), the high watermark ({@link OffsetSpec#latest()}), or the first offset
   * at or after a time ({@link OffsetSpec#forTimestamp(long)}).
   *
   * <p>Fails with {@code UNKNOWN_TOPIC_OR_PARTITION} if the serving node's metadata has no such
   * partition.
   */
  public CompletionStage<ListOffsetsResultInfo> listOffsets(TopicPartition tp, OffsetSpec spec) {
    Objects.requireNonNull(tp, "tp");
    Objects.requireNonNull(spec, "spec");
    return call(
        "request=listOffsets, topicPartition=" + tp + ", spec=" + spec,
        () -> calls.listOffsets(tp, spec));
  }

  // ------------------------------------------------------------------ consumer groups

  /**
   * Every consumer group with stored data (committed offsets or a generation), sorted by id, with
   * its state now, as Kafka's {@code listConsumerGroups}.
   */
  public CompletionStage<List<ConsumerGroupListing>> listConsumerGroups() {
    return call("request=listConsumerGroups", calls::listConsumerGroups);
  }

  /**
   * A consumer group's state, generation, assignor and members with their assignments, as Kafka's
   * {@code describeConsumerGroups}. A group nobody ever used is described {@code EMPTY}, generation
   * 0, without members.
   */
  public CompletionStage<GroupDescription> describeConsumerGroup(String groupId) {
    return groupCall(
        "request=describeConsumerGroup, groupId=" + groupId,
        groupId,
        () -> calls.describeConsumerGroup(groupId));
  }

  /**
   * A consumer group's committed offsets, by partition, each with the partition's high watermark
   * and the group's lag there (high watermark minus committed offset), as Kafka's {@code
   * listConsumerGroupOffsets} and {@code kafka-consumer-groups --describe}. A partition whose topic
   * is gone is reported with high watermark and lag -1.
   */
  public CompletionStage<Map<TopicPartition, ConsumerGroupOffset>> listConsumerGroupOffsets(
      String groupId) {
    return groupCall(
        "request=listConsumerGroupOffsets, groupId=" + groupId,
        groupId,
        () -> calls.listConsumerGroupOffsets(groupId));
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
    return groupCall(
        "request=resetConsumerGroupOffsets, groupId=" + groupId,
        groupId,
        () -> resolveOffsets(specs).thenCompose(offsets -> setOffsets(groupId, offsets)));
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
    return groupCall(
        "request=alterConsumerGroupOffsets, groupId=" + groupId,
        groupId,
        () -> setOffsets(groupId, offsets));
  }

  private CompletionStage<Map<TopicPartition, Long>> setOffsets(
      String groupId, Map<TopicPartition, Long> offsets) {
    Map<TopicPartition, Long> sorted = new TreeMap<>(BY_NAME);
    sorted.putAll(offsets);
    Map<TopicPartition, Long> answer = Collections.unmodifiableMap(sorted);
    return calls.setConsumerGroupOffsets(groupId, answer).thenApply(done -> answer);
  }

  /**
   * Deletes a consumer group and its committed offsets, as Kafka's {@code deleteConsumerGroups}.
   * Refused with {@code NON_EMPTY_GROUP} while it has members, {@code GROUP_ID_NOT_FOUND} when it
   * has no stored data.
   */
  public CompletionStage<Done> deleteConsumerGroup(String groupId) {
    return groupCall(
        "request=deleteConsumerGroup, groupId=" + groupId,
        groupId,
        () -> calls.deleteConsumerGroup(groupId));
  }

  /**
   * The serving node's view of its cluster: the members with their status and reachability, the
   * partitions each hosts, and that node's health ({@link RunnelNode#clusterStatus()}). Embedded,
   * fails with {@code NOT_AVAILABLE} only when the node is stopping; a member that does not answer
   * is shown without its partitions.
   */
  public CompletionStage<ClusterStatus> clusterStatus() {
    return call("request=clusterStatus", calls::clusterStatus);
  }

  /** The request's answer on the executor, its failure a {@link RunnelException}. */
  private <T> CompletionStage<T> call(String request, Supplier<CompletionStage<T>> call) {
    CompletionStage<T> answer;
    try {
      answer = call.get();
    } catch (RunnelException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return Completions.onExecutor(answer, executor, request);
  }

  /** As {@link #call}, failing with {@code INVALID_GROUP_ID} first for a bad group id. */
  private <T> CompletionStage<T> groupCall(
      String request, String groupId, Supplier<CompletionStage<T>> call) {
    return call(
        request,
        () -> {
          GroupIds.validate(groupId);
          return call.get();
        });
  }
}
