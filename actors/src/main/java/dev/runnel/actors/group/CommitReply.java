package dev.runnel.actors.group;

import dev.runnel.actors.RunnelSerializable;
import dev.runnel.actors.error.ErrorCode;
import java.util.Objects;

/** The answer to {@link GroupCommand.CommitOffsets} and {@link GroupCommand.ResetOffsets}. */
public sealed interface CommitReply extends RunnelSerializable {

  /** Every offset of the request is stored. */
  enum Committed implements CommitReply {
    INSTANCE
  }

  /**
   * No offset of the request was stored.
   *
   * @param code why, by name
   * @param message the facts, as {@code name=value} pairs
   */
  record CommitFailed(ErrorCode code, String message) implements CommitReply {
    public CommitFailed {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }
}
