package dev.runnel.api;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.japi.function.Function;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
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
import dev.runnel.api.admin.ListOffsetsResultInfo;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.admin.TopicDescription;
import dev.runnel.api.internal.Completions;
import dev.runnel.sharding.ClusterStatus;
import dev.runnel.sharding.RunnelNode;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * Topic administration, named after Kafka's Admin client. Requests go to the cluster's topic
 * registry (or, for offsets, to the partition); each waits up to {@code
 * runnel.admin.request.timeout.ms} for the answer and then fails with {@code REQUEST_TIMED_OUT}.
 * Refusals fail with the registry's {@link ErrorCode}: {@code TOPIC_ALREADY_EXISTS}, {@code
 * INVALID_TOPIC_EXCEPTION}, {@code INVALID_PARTITIONS}, {@code INVALID_CONFIG}, {@code
 * UNKNOWN_TOPIC_OR_PARTITION}, {@code TOPIC_DELETION_IN_PROGRESS}, {@code INVALID_REQUEST}.
 *
 * <p>Changes that add to a topic ({@link #createTopic}, {@link #createPartitions}, {@link
 * #alterTopicConfig}) complete once this node's metadata shows them, so a producer or consumer of
 * this node started afterwards sees them at once.
 *
 * <p>Every stage completes on the actor system's executor. Thread-safe.
 */
public final class RunnelAdmin {

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
    CompletionStage<TopicList> answer =
        AskPattern.ask(node.topicRegistry(), ListTopics::new, timeout, system.scheduler());
    return Completions.onExecutor(
        answer.thenApply(
            list -> {
              SortedSet<String> names = new TreeSet<>();
              for (TopicMetadata topic : list.topics()) {
                if (!topic.deleting()) {
                  names.add(topic.name());
                }
              }
              return names;
            }),
        executor,
        "request=listTopics");
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
    CompletionStage<OffsetsReply> answer =
        node.partition(tp).ask(replyTo -> new ListOffsets(spec, replyTo), timeout);
    return Completions.onExecutor(
        answer.thenApply(
            reply -> {
              if (reply instanceof OffsetsReply.OffsetFound found) {
                return new ListOffsetsResultInfo(found.offset(), found.timestamp());
              }
              OffsetsReply.OffsetsFailed failed = (OffsetsReply.OffsetsFailed) reply;
              throw new RunnelException(failed.code(), failed.message());
            }),
        executor,
        request);
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
    CompletionStage<TopicReply> answer =
        AskPattern.ask(node.topicRegistry(), command, timeout, system.scheduler());
    CompletionStage<TopicMetadata> done =
        answer.thenComposeAsync(
            reply -> {
              if (reply instanceof TopicReply.TopicFailed failed) {
                throw new RunnelException(failed.code(), failed.message());
              }
              TopicMetadata metadata = ((TopicReply.TopicOk) reply).topic();
              Predicate<TopicMetadata> shown = visible.apply(metadata);
              return shown == null
                  ? java.util.concurrent.CompletableFuture.completedFuture(metadata)
                  : node.topics().await(metadata.name(), shown, timeout);
            },
            executor);
    return Completions.onExecutor(done.thenApply(TopicDescription::of), executor, request);
  }
}
