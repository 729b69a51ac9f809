package dev.runnel.actors.group;

import akka.Done;
import akka.actor.typed.ActorRef;
import dev.runnel.actors.RunnelSerializable;
import dev.runnel.actors.TopicPartition;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a group's coordinator is asked. Each command's answer goes to its {@code replyTo}; a refused
 * command changes nothing and is answered with a named {@link dev.runnel.actors.error.ErrorCode}.
 */
public sealed interface GroupCommand extends RunnelSerializable
    permits GroupCommand.JoinGroup,
        GroupCommand.Heartbeat,
        GroupCommand.LeaveGroup,
        GroupCommand.RevocationDone,
        GroupCommand.CommitOffsets,
        GroupCommand.FetchOffsets,
        GroupCommand.DescribeGroup,
        GroupCommand.ResetOffsets,
        GroupCommand.DeleteGroup,
        GroupCommand.Passivate,
        GroupCoordinator.Internal {

  /**
   * Joins the group, or changes a member's subscription. Every change of membership or subscription
   * starts a new generation; the member learns its partitions from {@link
   * GroupMemberMessage.Assignment} messages sent to {@code member}. The coordinator watches {@code
   * member}: when it stops, the member has left. Joining again with the same {@code member} and
   * subscription is answered with the same member id and changes nothing.
   *
   * <p>Refused with INVALID_GROUP_ID, INVALID_REQUEST (a bad pattern, a rebalance timeout that is
   * not positive), INVALID_SESSION_TIMEOUT (outside {@code runnel.group.min/max-session-timeout}),
   * INCONSISTENT_GROUP_PROTOCOL (another assignor than the group's members use, or an unknown one),
   * UNKNOWN_MEMBER_ID (a {@code memberId} the group does not know: join with "" instead).
   *
   * @param memberId "" for a new member, else the id the coordinator gave it
   * @param clientId the client's name, for descriptions and logs
   * @param subscription the topics it wants to consume
   * @param assignor {@code range}, {@code roundrobin} or {@code cooperative-sticky}
   * @param sessionTimeout the member is removed when it sends no {@link Heartbeat} for this long
   * @param rebalanceTimeout the member is removed when it takes longer to answer a {@link
   *     GroupMemberMessage.RevokePartitions}
   * @param member where the coordinator sends {@link GroupMemberMessage}s
   * @param replyTo gets {@link JoinReply.Joined} or {@link JoinReply.JoinFailed}
   */
  record JoinGroup(
      String memberId,
      String clientId,
      GroupSubscription subscription,
      String assignor,
      Duration sessionTimeout,
      Duration rebalanceTimeout,
      ActorRef<GroupMemberMessage> member,
      ActorRef<JoinReply> replyTo)
      implements GroupCommand {
    public JoinGroup {
      memberId = memberId == null ? "" : memberId;
      clientId = clientId == null ? "" : clientId;
      Objects.requireNonNull(subscription, "subscription");
      Objects.requireNonNull(assignor, "assignor");
      Objects.requireNonNull(sessionTimeout, "sessionTimeout");
      Objects.requireNonNull(rebalanceTimeout, "rebalanceTimeout");
      Objects.requireNonNull(member, "member");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Keeps a member's session alive. Answered {@link HeartbeatReply.HeartbeatOk}, or {@link
   * HeartbeatReply.HeartbeatFailed} with UNKNOWN_MEMBER_ID (the member must join again as a new
   * member) or ILLEGAL_GENERATION (a generation the group never had).
   *
   * @param generation the generation of the member's latest assignment
   */
  record Heartbeat(String memberId, int generation, ActorRef<HeartbeatReply> replyTo)
      implements GroupCommand {
    public Heartbeat {
      Objects.requireNonNull(memberId, "memberId");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * The member leaves the group; its partitions go to the others in a new generation. Answered
   * {@link Done} also when the member was not (or no longer) in the group.
   */
  record LeaveGroup(String memberId, ActorRef<Done> replyTo) implements GroupCommand {
    public LeaveGroup {
      Objects.requireNonNull(memberId, "memberId");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * The member has stopped consuming {@code revoked} (and committed what it could) after a {@link
   * GroupMemberMessage.RevokePartitions}; they may now go to other members. Not answered.
   *
   * @param generation the generation of the {@code RevokePartitions} it answers
   */
  record RevocationDone(String memberId, int generation, Set<TopicPartition> revoked)
      implements GroupCommand {
    public RevocationDone {
      Objects.requireNonNull(memberId, "memberId");
      revoked = Set.copyOf(revoked);
    }
  }

  /**
   * Commits offsets: all of them as one persisted change, or none.
   *
   * <p>From a member ({@code memberId} and the generation of its latest assignment): refused with
   * UNKNOWN_MEMBER_ID (not a member), ILLEGAL_GENERATION (not the member's current generation),
   * FENCED_MEMBER_EPOCH (a partition the member does not own now; a partition it was asked to
   * revoke stays its own until it sends {@link RevocationDone}).
   *
   * <p>From outside the group ({@code memberId} "" and generation -1, as an admin or a consumer
   * with a manual assignment): accepted only while the group has no members, else refused with
   * NON_EMPTY_GROUP.
   *
   * <p>Any commit is refused with UNKNOWN_TOPIC_OR_PARTITION (a partition the topic does not have)
   * and OFFSET_OUT_OF_RANGE (a negative offset).
   *
   * @param replyTo gets {@link CommitReply.Committed} or {@link CommitReply.CommitFailed}
   */
  record CommitOffsets(
      String memberId,
      int generation,
      Map<TopicPartition, OffsetAndMetadata> offsets,
      ActorRef<CommitReply> replyTo)
      implements GroupCommand {
    public CommitOffsets {
      memberId = memberId == null ? "" : memberId;
      offsets = Map.copyOf(offsets);
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * The group's committed offsets of these partitions (those without one are left out), or of every
   * partition when {@code partitions} is empty. Offsets of a deleted or re-created topic are never
   * answered.
   */
  record FetchOffsets(Optional<Set<TopicPartition>> partitions, ActorRef<OffsetsFetched> replyTo)
      implements GroupCommand {
    public FetchOffsets {
      partitions = partitions == null ? Optional.empty() : partitions.map(Set::copyOf);
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** The group's state, generation, members and their assignments. */
  record DescribeGroup(ActorRef<GroupDescription> replyTo) implements GroupCommand {
    public DescribeGroup {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Sets committed offsets (for example to the earliest, latest or a timestamp's offsets, which the
   * caller resolves first). Refused with NON_EMPTY_GROUP while the group has members, and as {@link
   * CommitOffsets} for unknown partitions or negative offsets.
   *
   * @param offsets the next offset to read, per partition; other partitions keep theirs
   */
  record ResetOffsets(Map<TopicPartition, Long> offsets, ActorRef<CommitReply> replyTo)
      implements GroupCommand {
    public ResetOffsets {
      offsets = Map.copyOf(offsets);
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Deletes the group with its committed offsets, and stops its coordinator. Refused with
   * NON_EMPTY_GROUP while it has members, GROUP_ID_NOT_FOUND if it has no stored data.
   *
   * @param replyTo gets {@link DeleteGroupReply.GroupDeleted} once its data is gone
   */
  record DeleteGroup(ActorRef<DeleteGroupReply> replyTo) implements GroupCommand {
    public DeleteGroup {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Stops the coordinator once what it is writing is written; Cluster Sharding sends it when the
   * coordinator asked to be passivated (only when the group has no members). Not answered.
   */
  enum Passivate implements GroupCommand {
    INSTANCE
  }
}
