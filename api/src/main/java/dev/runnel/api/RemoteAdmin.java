package dev.runnel.api;

import akka.Done;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.group.GroupDescription;
import dev.runnel.actors.group.GroupState;
import dev.runnel.actors.partition.OffsetSpec;
import dev.runnel.api.admin.ConsumerGroupListing;
import dev.runnel.api.admin.ConsumerGroupOffset;
import dev.runnel.api.admin.ListOffsetsResultInfo;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.admin.TopicDescription;
import dev.runnel.api.grpc.v1.AlterTopicConfigRequest;
import dev.runnel.api.grpc.v1.ClusterMember;
import dev.runnel.api.grpc.v1.ClusterStatusRequest;
import dev.runnel.api.grpc.v1.ClusterStatusResponse;
import dev.runnel.api.grpc.v1.CommitOffsetsRequest;
import dev.runnel.api.grpc.v1.CreatePartitionsRequest;
import dev.runnel.api.grpc.v1.CreateTopicRequest;
import dev.runnel.api.grpc.v1.DeleteGroupRequest;
import dev.runnel.api.grpc.v1.DeleteTopicRequest;
import dev.runnel.api.grpc.v1.DescribeGroupRequest;
import dev.runnel.api.grpc.v1.DescribeTopicRequest;
import dev.runnel.api.grpc.v1.FetchOffsetsRequest;
import dev.runnel.api.grpc.v1.ListGroupsRequest;
import dev.runnel.api.grpc.v1.ListTopicsRequest;
import dev.runnel.api.grpc.v1.OffsetAndMetadata;
import dev.runnel.api.grpc.v1.RunnelServiceClient;
import dev.runnel.api.remote.RemoteConnection;
import dev.runnel.api.remote.RemoteErrors;
import dev.runnel.api.remote.RemoteTopics;
import dev.runnel.sharding.ClusterStatus;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The admin requests of a remote client: each is one unary gRPC call to the server, which runs the
 * embedded request there; the answer comes back in the same Java types. Each waits up to {@code
 * runnel.client.request-timeout}; the server's refusals come back with their {@link
 * dev.runnel.actors.error.ErrorCode} ({@link RemoteErrors}). Thread-safe.
 */
final class RemoteAdmin implements AdminCalls {

  private final RemoteConnection connection;
  private final RunnelServiceClient client;
  private final RemoteTopics topics;
  private final Duration timeout;
  private final Executor executor;

  RemoteAdmin(RemoteConnection connection) {
    this.connection = connection;
    this.client = connection.client();
    this.topics = new RemoteTopics(connection);
    this.timeout = connection.settings().requestTimeout();
    this.executor = connection.system().executionContext();
  }

  private <T> CompletionStage<T> unary(CompletionStage<T> call, String request) {
    return RemoteErrors.onExecutor(call, timeout, executor, request);
  }

  @Override
  public CompletionStage<TopicDescription> createTopic(NewTopic topic) {
    CreateTopicRequest.Builder request =
        CreateTopicRequest.newBuilder().setName(topic.name()).putAllConfigs(topic.configs());
    // 0 asks for the default count, so an explicit count that is not positive goes as -1: refused.
    topic.numPartitions().ifPresent(count -> request.setPartitions(count > 0 ? count : -1));
    return unary(client.createTopic(request.build()), "request=createTopic, topic=" + topic.name())
        .thenApply(RemoteAdmin::fromProto);
  }

  @Override
  public CompletionStage<TopicDescription> describeTopic(String name) {
    return unary(
            client.describeTopic(DescribeTopicRequest.newBuilder().setName(name).build()),
            "request=describeTopic, topic=" + name)
        .thenApply(RemoteAdmin::fromProto);
  }

  @Override
  public CompletionStage<SortedSet<String>> listTopics() {
    return unary(client.listTopics(ListTopicsRequest.getDefaultInstance()), "request=listTopics")
        .thenApply(list -> Collections.unmodifiableSortedSet(new TreeSet<>(list.getNamesList())));
  }

  @Override
  public CompletionStage<TopicDescription> alterTopicConfig(
      String name, Map<String, String> set, Set<String> reset) {
    return unary(
            client.alterTopicConfig(
                AlterTopicConfigRequest.newBuilder()
                    .setName(name)
                    .putAllSet(set)
                    .addAllReset(reset)
                    .build()),
            "request=alterTopicConfig, topic=" + name)
        .thenApply(RemoteAdmin::fromProto);
  }

  @Override
  public CompletionStage<TopicDescription> createPartitions(String name, int totalCount) {
    return unary(
            client.createPartitions(
                CreatePartitionsRequest.newBuilder()
                    .setName(name)
                    .setTotalCount(totalCount)
                    .build()),
            "request=createPartitions, topic=" + name)
        .thenApply(RemoteAdmin::fromProto);
  }

  @Override
  public CompletionStage<Done> deleteTopic(String name) {
    return unary(
            client.deleteTopic(DeleteTopicRequest.newBuilder().setName(name).build()),
            "request=deleteTopic, topic=" + name)
        .thenApply(deleted -> Done.getInstance());
  }

  @Override
  public CompletionStage<ListOffsetsResultInfo> listOffsets(TopicPartition tp, OffsetSpec spec) {
    return topics.listOffsets(tp, spec, timeout);
  }

  @Override
  public CompletionStage<List<ConsumerGroupListing>> listConsumerGroups() {
    return unary(client.listGroups(ListGroupsRequest.getDefaultInstance()), "request=listGroups")
        .thenApply(
            response ->
                response.getGroupsList().stream()
                    .map(
                        group ->
                            new ConsumerGroupListing(
                                group.getGroupId(), GroupState.valueOf(group.getState())))
                    .toList());
  }

  @Override
  public CompletionStage<GroupDescription> describeConsumerGroup(String groupId) {
    return unary(
            client.describeGroup(DescribeGroupRequest.newBuilder().setGroupId(groupId).build()),
            "request=describeGroup, groupId=" + groupId)
        .thenApply(
            response ->
                new GroupDescription(
                    response.getGroupId(),
                    GroupState.valueOf(response.getState()),
                    response.getGenerationId(),
                    response.getAssignor(),
                    response.getMembersList().stream()
                        .map(
                            member ->
                                new GroupDescription.MemberDescription(
                                    member.getMemberId(),
                                    member.getClientId(),
                                    member.getClientHost(),
                                    new HashSet<>(
                                        member.getAssignmentList().stream()
                                            .map(RemoteAdmin::fromProto)
                                            .toList())))
                        .toList()));
  }

  @Override
  public CompletionStage<Map<TopicPartition, ConsumerGroupOffset>> listConsumerGroupOffsets(
      String groupId) {
    return unary(
            client.fetchOffsets(FetchOffsetsRequest.newBuilder().setGroupId(groupId).build()),
            "request=fetchOffsets, groupId=" + groupId)
        .thenApply(
            response -> {
              Map<TopicPartition, ConsumerGroupOffset> offsets = new TreeMap<>(RunnelAdmin.BY_NAME);
              for (OffsetAndMetadata offset : response.getOffsetsList()) {
                offsets.put(
                    fromProto(offset.getPartition()),
                    new ConsumerGroupOffset(
                        offset.getOffset(),
                        offset.getMetadata(),
                        offset.getHighWatermark(),
                        offset.getLag()));
              }
              return Collections.unmodifiableMap(offsets);
            });
  }

  /** A commit with no member id: the server stores it only while the group has no members. */
  @Override
  public CompletionStage<Done> setConsumerGroupOffsets(
      String groupId, Map<TopicPartition, Long> offsets) {
    CommitOffsetsRequest.Builder request =
        CommitOffsetsRequest.newBuilder().setGroupId(groupId).setGenerationId(-1);
    offsets.forEach(
        (tp, offset) ->
            request.addOffsets(
                OffsetAndMetadata.newBuilder().setPartition(toProto(tp)).setOffset(offset)));
    return unary(client.commitOffsets(request.build()), "request=commitOffsets, groupId=" + groupId)
        .thenApply(committed -> Done.getInstance());
  }

  @Override
  public CompletionStage<Done> deleteConsumerGroup(String groupId) {
    return unary(
            client.deleteGroup(DeleteGroupRequest.newBuilder().setGroupId(groupId).build()),
            "request=deleteGroup, groupId=" + groupId)
        .thenApply(deleted -> Done.getInstance());
  }

  @Override
  public CompletionStage<ClusterStatus> clusterStatus() {
    return unary(
            connection.cluster().clusterStatus(ClusterStatusRequest.getDefaultInstance()),
            "request=clusterStatus")
        .thenApply(RemoteAdmin::fromProto);
  }

  private static TopicDescription fromProto(dev.runnel.api.grpc.v1.TopicDescription topic) {
    return TopicDescription.of(RemoteTopics.metadata(topic));
  }

  private static TopicPartition fromProto(dev.runnel.api.grpc.v1.TopicPartition tp) {
    return new TopicPartition(tp.getTopic(), tp.getPartition());
  }

  private static dev.runnel.api.grpc.v1.TopicPartition toProto(TopicPartition tp) {
    return dev.runnel.api.grpc.v1.TopicPartition.newBuilder()
        .setTopic(tp.topic())
        .setPartition(tp.partition())
        .build();
  }

  private static ClusterStatus fromProto(ClusterStatusResponse status) {
    return new ClusterStatus(
        status.getSelf(),
        switch (status.getHealth()) {
          case NODE_HEALTH_SERVING -> ClusterStatus.Health.SERVING;
          case NODE_HEALTH_DEGRADED -> ClusterStatus.Health.DEGRADED;
          default -> ClusterStatus.Health.NOT_SERVING;
        },
        nonEmpty(status.getLeader()),
        nonEmpty(status.getOldest()),
        status.getMembersList().stream().map(RemoteAdmin::fromProto).toList(),
        entityIds(status.getUnplacedPartitionsList()));
  }

  private static ClusterStatus.NodeStatus fromProto(ClusterMember member) {
    return new ClusterStatus.NodeStatus(
        member.getAddress(),
        Set.copyOf(member.getRolesList()),
        member.getStatus(),
        member.getReachable(),
        member.getShardsAnswered(),
        member.getShards(),
        member.getRunningPartitions(),
        entityIds(member.getPartitionsList()));
  }

  private static List<String> entityIds(List<dev.runnel.api.grpc.v1.TopicPartition> partitions) {
    return partitions.stream().map(tp -> fromProto(tp).entityId()).toList();
  }

  private static Optional<String> nonEmpty(String value) {
    return value.isEmpty() ? Optional.empty() : Optional.of(value);
  }
}
