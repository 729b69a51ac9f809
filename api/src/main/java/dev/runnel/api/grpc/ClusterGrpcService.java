package dev.runnel.api.grpc;

import dev.runnel.api.RunnelAdmin;
import dev.runnel.api.grpc.v1.ClusterMember;
import dev.runnel.api.grpc.v1.ClusterService;
import dev.runnel.api.grpc.v1.ClusterStatusRequest;
import dev.runnel.api.grpc.v1.ClusterStatusResponse;
import dev.runnel.api.grpc.v1.NodeHealth;
import dev.runnel.api.grpc.v1.TopicPartition;
import dev.runnel.sharding.ClusterStatus;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * {@code runnel.v1.ClusterService} over a node's {@link RunnelAdmin#clusterStatus()}: the node's
 * view of its cluster for operators' tools. Thread-safe.
 */
public final class ClusterGrpcService implements ClusterService {

  private final RunnelAdmin admin;

  public ClusterGrpcService(RunnelAdmin admin) {
    this.admin = admin;
  }

  @Override
  public CompletionStage<ClusterStatusResponse> clusterStatus(ClusterStatusRequest in) {
    return admin.clusterStatus().thenApply(ClusterGrpcService::toResponse);
  }

  static ClusterStatusResponse toResponse(ClusterStatus status) {
    ClusterStatusResponse.Builder out =
        ClusterStatusResponse.newBuilder()
            .setSelf(status.self())
            .setHealth(
                switch (status.health()) {
                  case SERVING -> NodeHealth.NODE_HEALTH_SERVING;
                  case DEGRADED -> NodeHealth.NODE_HEALTH_DEGRADED;
                  case NOT_SERVING -> NodeHealth.NODE_HEALTH_NOT_SERVING;
                })
            .setLeader(status.leader().orElse(""))
            .setOldest(status.oldest().orElse(""))
            .addAllUnplacedPartitions(partitions(status.unplacedPartitions()));
    for (ClusterStatus.NodeStatus node : status.nodes()) {
      out.addMembers(
          ClusterMember.newBuilder()
              .setAddress(node.address())
              .addAllRoles(node.roles().stream().sorted().toList())
              .setStatus(node.status())
              .setReachable(node.reachable())
              .setShardsAnswered(node.shardsAnswered())
              .setShards(node.shards())
              .setRunningPartitions(node.runningPartitions())
              .addAllPartitions(partitions(node.partitions())));
    }
    return out.build();
  }

  private static List<TopicPartition> partitions(List<String> entityIds) {
    return entityIds.stream()
        .map(dev.runnel.actors.TopicPartition::fromEntityId)
        .map(
            tp ->
                TopicPartition.newBuilder()
                    .setTopic(tp.topic())
                    .setPartition(tp.partition())
                    .build())
        .toList();
  }
}
