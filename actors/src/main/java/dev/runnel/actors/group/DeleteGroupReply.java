package dev.runnel.actors.group;

import dev.runnel.actors.RunnelSerializable;
import dev.runnel.actors.error.ErrorCode;
import java.util.Objects;

/** The answer to {@link GroupCommand.DeleteGroup}. */
public sealed interface DeleteGroupReply extends RunnelSerializable {

  /** The group's committed offsets and stored data are gone. */
  enum GroupDeleted implements DeleteGroupReply {
    INSTANCE
  }

  /**
   * The group was not deleted.
   *
   * @param code NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND, or KAFKA_STORAGE_ERROR
   * @param message the facts, as {@code name=value} pairs
   */
  record DeleteGroupFailed(ErrorCode code, String message) implements DeleteGroupReply {
    public DeleteGroupFailed {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }
}
