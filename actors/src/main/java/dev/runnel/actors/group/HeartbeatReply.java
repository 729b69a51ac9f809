package dev.runnel.actors.group;

import dev.runnel.actors.RunnelSerializable;
import dev.runnel.actors.error.ErrorCode;
import java.util.Objects;

/** The answer to {@link GroupCommand.Heartbeat}. */
public sealed interface HeartbeatReply extends RunnelSerializable {

  /** The member's session is alive. */
  enum HeartbeatOk implements HeartbeatReply {
    INSTANCE
  }

  /**
   * The member is not in the group as it thinks.
   *
   * @param code UNKNOWN_MEMBER_ID (join again as a new member) or ILLEGAL_GENERATION
   * @param message the facts, as {@code name=value} pairs
   */
  record HeartbeatFailed(ErrorCode code, String message) implements HeartbeatReply {
    public HeartbeatFailed {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }
}
