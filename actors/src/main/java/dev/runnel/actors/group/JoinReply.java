package dev.runnel.actors.group;

import dev.runnel.actors.RunnelSerializable;
import dev.runnel.actors.error.ErrorCode;
import java.util.Objects;

/** The answer to {@link GroupCommand.JoinGroup}. */
public sealed interface JoinReply extends RunnelSerializable {

  /**
   * The member is in the group. Its partitions come later, in {@link
   * GroupMemberMessage.Assignment}s.
   *
   * @param memberId the member's id: send it with every later command
   * @param generation the generation its join started (or the current one, for a join that changed
   *     nothing); the member's first assignment may carry a later one
   */
  record Joined(String memberId, int generation) implements JoinReply {
    public Joined {
      Objects.requireNonNull(memberId, "memberId");
    }
  }

  /**
   * The member did not join.
   *
   * @param code why, by name
   * @param message the facts, as {@code name=value} pairs
   */
  record JoinFailed(ErrorCode code, String message) implements JoinReply {
    public JoinFailed {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }
}
