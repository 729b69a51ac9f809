package dev.runnel.actors.group;

import dev.runnel.actors.RunnelSerializable;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import java.util.Objects;
import java.util.Set;

/**
 * What a coordinator tells a member actor (the {@code member} of its {@link
 * GroupCommand.JoinGroup}). docs/groups.md describes the rebalance protocol these messages form.
 */
public sealed interface GroupMemberMessage extends RunnelSerializable {

  /**
   * The member's whole current assignment in {@code generation}. The member starts consuming the
   * partitions new to it, keeps consuming those it had (no restart), and commits with this
   * generation from now on. Within one generation a later {@code Assignment} may add partitions
   * that other members have just released.
   */
  record Assignment(String memberId, int generation, Set<TopicPartition> partitions)
      implements GroupMemberMessage {
    public Assignment {
      Objects.requireNonNull(memberId, "memberId");
      partitions = Set.copyOf(partitions);
    }
  }

  /**
   * Stop consuming these partitions, commit what was processed (the member still owns them, with
   * its current generation), then send {@link GroupCommand.RevocationDone} with this {@code
   * generation}. Until then nobody else gets them; a member that does not answer within its
   * rebalance timeout is removed from the group.
   *
   * @param generation the generation being formed
   */
  record RevokePartitions(String memberId, int generation, Set<TopicPartition> partitions)
      implements GroupMemberMessage {
    public RevokePartitions {
      Objects.requireNonNull(memberId, "memberId");
      partitions = Set.copyOf(partitions);
    }
  }

  /**
   * The member is no longer in the group (its session or rebalance timeout expired): it owns
   * nothing, its commits are refused, and it may join again as a new member.
   *
   * @param reason UNKNOWN_MEMBER_ID
   * @param message the facts, as {@code name=value} pairs
   */
  record RemovedFromGroup(String memberId, ErrorCode reason, String message)
      implements GroupMemberMessage {
    public RemovedFromGroup {
      Objects.requireNonNull(memberId, "memberId");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }
}
