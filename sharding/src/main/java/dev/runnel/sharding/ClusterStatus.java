package dev.runnel.sharding;

import akka.actor.Address;
import akka.cluster.ClusterEvent.CurrentClusterState;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.sharding.ShardRegion.ClusterShardingStats;
import akka.cluster.sharding.ShardRegion.ShardRegionStats;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.topic.TopicMetadata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A node's view of its cluster: the members with their status and reachability, where the
 * partitions' shards are, and the node's own health ({@link RunnelNode#clusterStatus()}).
 *
 * <p>Membership and reachability are the node's current gossip view; shard placement is what every
 * reachable node's shard region answered. A partition is listed under the node that hosts its shard
 * (it runs there, or starts there on its next message); a partition whose shard is on no node is
 * listed in {@link #unplacedPartitions()} and starts where the coordinator places it on its next
 * message (after its node died, or before it was ever used).
 *
 * @param self this node's address ({@code akka://runnel@host:port})
 * @param health this node's health
 * @param leader the cluster leader (it moves members between states), if known
 * @param oldest the oldest member, which runs the singletons: the shard coordinator and the topic
 *     registry
 * @param nodes every member, oldest first
 * @param unplacedPartitions partitions of known topics whose shard is on no node, as entity ids
 *     {@code <topic>-<n>}, sorted
 */
public record ClusterStatus(
    String self,
    Health health,
    Optional<String> leader,
    Optional<String> oldest,
    List<NodeStatus> nodes,
    List<String> unplacedPartitions) {

  /** A node's own health, as its clients should see it. */
  public enum Health {
    /** Up, and every member is reachable: every partition can be served. */
    SERVING,
    /**
     * Up, but some member is unreachable: that member's partitions wait until it is reachable again
     * or has been downed and its partitions moved.
     */
    DEGRADED,
    /** Not a member in state Up: still joining, leaving, or downed. */
    NOT_SERVING
  }

  /**
   * One member.
   *
   * @param address its address
   * @param roles its cluster roles
   * @param status Akka's member status: {@code Joining}, {@code WeaklyUp}, {@code Up}, {@code
   *     Leaving}, {@code Exiting}, {@code Down} or {@code Removed}
   * @param reachable false when some member's failure detector counts it as unreachable
   * @param shardsAnswered whether its shard region answered the placement query; when false the
   *     shard and partition figures are empty, not zero
   * @param shards the partitions' shards it hosts
   * @param runningPartitions the partitions running on it now (started and not passivated)
   * @param partitions the partitions of known topics whose shard it hosts, entity ids sorted
   */
  public record NodeStatus(
      String address,
      Set<String> roles,
      String status,
      boolean reachable,
      boolean shardsAnswered,
      int shards,
      int runningPartitions,
      List<String> partitions) {

    public NodeStatus {
      roles = Set.copyOf(roles);
      partitions = List.copyOf(partitions);
    }
  }

  public ClusterStatus {
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(health, "health");
    nodes = List.copyOf(nodes);
    unplacedPartitions = List.copyOf(unplacedPartitions);
  }

  /** The member at {@code address} ({@code akka://runnel@host:port}), if it is one. */
  public Optional<NodeStatus> node(String address) {
    return nodes.stream().filter(node -> node.address().equals(address)).findFirst();
  }

  /**
   * The status from a membership snapshot, the shard placement and the known topics.
   *
   * @param placement the shards each region hosts, with their running entity counts; regions that
   *     did not answer are missing
   * @param numberOfShards how the partitions are spread ({@link StableShardExtractor})
   */
  static ClusterStatus of(
      Member self,
      CurrentClusterState state,
      ClusterShardingStats placement,
      Collection<TopicMetadata> topics,
      int numberOfShards) {
    Map<String, Address> shardHome = new HashMap<>();
    Map<Address, ShardRegionStats> regions = placement.getRegions();
    regions.forEach(
        (address, stats) -> stats.getStats().keySet().forEach(id -> shardHome.put(id, address)));
    Map<Address, TreeSet<String>> partitionsByNode = new HashMap<>();
    TreeSet<String> unplaced = new TreeSet<>();
    for (TopicMetadata topic : topics) {
      for (int n = 0; n < topic.partitions(); n++) {
        String entityId = new TopicPartition(topic.name(), n).entityId();
        Address home = shardHome.get(StableShardExtractor.shardId(entityId, numberOfShards));
        if (home == null) {
          unplaced.add(entityId);
        } else {
          partitionsByNode.computeIfAbsent(home, a -> new TreeSet<>()).add(entityId);
        }
      }
    }

    List<Member> members = new ArrayList<>();
    state.getMembers().forEach(members::add);
    members.sort((a, b) -> a.isOlderThan(b) ? -1 : b.isOlderThan(a) ? 1 : 0);
    Set<Member> unreachable = state.getUnreachable();
    List<NodeStatus> nodes = new ArrayList<>();
    for (Member member : members) {
      Address address = member.address();
      ShardRegionStats stats = regions.get(address);
      nodes.add(
          new NodeStatus(
              address.toString(),
              member.getRoles(),
              member.status().toString(),
              !unreachable.contains(member),
              stats != null,
              stats == null ? 0 : stats.getStats().size(),
              stats == null
                  ? 0
                  : stats.getStats().values().stream().mapToInt(n -> ((Number) n).intValue()).sum(),
              List.copyOf(partitionsByNode.getOrDefault(address, new TreeSet<>()))));
    }
    Optional<String> oldest =
        members.stream()
            .filter(m -> m.status() == MemberStatus.up() || m.status() == MemberStatus.leaving())
            .findFirst()
            .map(m -> m.address().toString());
    Health health =
        self.status() != MemberStatus.up()
            ? Health.NOT_SERVING
            : unreachable.isEmpty() ? Health.SERVING : Health.DEGRADED;
    return new ClusterStatus(
        self.address().toString(),
        health,
        Optional.ofNullable(state.getLeader()).map(Address::toString),
        oldest,
        nodes,
        List.copyOf(unplaced));
  }
}
