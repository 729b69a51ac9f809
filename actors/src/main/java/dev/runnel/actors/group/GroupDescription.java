package dev.runnel.actors.group;

import dev.runnel.actors.RunnelSerializable;
import dev.runnel.actors.TopicPartition;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The answer to {@link GroupCommand.DescribeGroup}.
 *
 * @param groupId the group's id
 * @param state where the group is in its life
 * @param generation the current generation (0 before anyone joined)
 * @param assignor the assignor the members use, "" while the group is empty
 * @param members the members, sorted by member id
 */
public record GroupDescription(
    String groupId,
    GroupState state,
    int generation,
    String assignor,
    List<MemberDescription> members)
    implements RunnelSerializable {

  public GroupDescription {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(assignor, "assignor");
    members = List.copyOf(members);
  }

  /**
   * One member.
   *
   * @param memberId its id
   * @param clientId the client id it joined with
   * @param host where it runs: the path of its member actor (its node's address for a remote one)
   * @param assignment the partitions it owns now
   */
  public record MemberDescription(
      String memberId, String clientId, String host, Set<TopicPartition> assignment)
      implements RunnelSerializable {

    public MemberDescription {
      Objects.requireNonNull(memberId, "memberId");
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(host, "host");
      assignment = Set.copyOf(assignment);
    }
  }
}
