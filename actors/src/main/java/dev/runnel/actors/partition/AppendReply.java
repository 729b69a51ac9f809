package dev.runnel.actors.partition;

import dev.runnel.actors.RunnelSerializable;
import dev.runnel.actors.error.ErrorCode;
import java.util.Objects;

/** The answer to {@link PartitionCommand.Append}. */
public sealed interface AppendReply extends RunnelSerializable {

  /**
   * The batch is in the log (or, with {@link Acks#NONE}, was received).
   *
   * @param baseOffset the offset of the batch's first record; -1 under {@link Acks#NONE}. A batch
   *     an idempotent producer sent again is answered with the offset it got the first time.
   * @param logAppendTime the time the partition stamped on the records when the topic uses {@code
   *     message.timestamp.type = LogAppendTime}, otherwise -1
   * @param logStartOffset the partition's log start offset when it answered
   */
  record Appended(long baseOffset, long logAppendTime, long logStartOffset)
      implements AppendReply {}

  /**
   * Nothing of the batch was written.
   *
   * @param code why, by name
   * @param message the facts, as {@code name=value} pairs
   */
  record AppendFailed(ErrorCode code, String message) implements AppendReply {
    public AppendFailed {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }
}
