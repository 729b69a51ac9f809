package dev.runnel.actors.partition;

import dev.runnel.actors.RunnelSerializable;
import dev.runnel.actors.error.ErrorCode;
import java.util.Objects;

/** The answer to {@link PartitionCommand.ListOffsets}. */
public sealed interface OffsetsReply extends RunnelSerializable {

  /**
   * The offset asked for.
   *
   * @param offset the log start offset, the high watermark, or the first offset whose record's
   *     timestamp is at or after the one asked for (-1 when there is no such record)
   * @param timestamp that record's timestamp; -1 for the log start offset, the high watermark and
   *     when there is no such record
   */
  record OffsetFound(long offset, long timestamp) implements OffsetsReply {}

  /**
   * The offset could not be looked up.
   *
   * @param code why, by name
   * @param message the facts, as {@code name=value} pairs
   */
  record OffsetsFailed(ErrorCode code, String message) implements OffsetsReply {
    public OffsetsFailed {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }
}
