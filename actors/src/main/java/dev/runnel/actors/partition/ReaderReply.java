package dev.runnel.actors.partition;

import akka.stream.SourceRef;
import dev.runnel.actors.RunnelSerializable;
import dev.runnel.actors.error.ErrorCode;
import java.util.Objects;

/** The answer to {@link PartitionCommand.OpenReader}. */
public sealed interface ReaderReply extends RunnelSerializable {

  /**
   * A stream of the partition's log from the requested offset on.
   *
   * <p>The stream emits whole stored batches in offset order, starting with the batch that holds
   * {@code fromOffset} (the reader skips the records below it), first those already stored, then
   * each new one once it is durable; it never completes on its own. It fails with a {@link
   * dev.runnel.actors.error.RunnelException} of {@link ErrorCode#OFFSET_OUT_OF_RANGE} when
   * retention deleted the batches it was about to read, and it must be materialized within Akka's
   * stream-ref subscription timeout.
   *
   * @param fromOffset the offset asked for
   * @param logStartOffset the log start offset when the reader opened
   * @param highWatermark the high watermark when the reader opened
   * @param batches the batches
   */
  record ReaderOpened(
      long fromOffset, long logStartOffset, long highWatermark, SourceRef<StoredBatch> batches)
      implements ReaderReply {
    public ReaderOpened {
      Objects.requireNonNull(batches, "batches");
    }
  }

  /**
   * No reader was opened.
   *
   * @param code why, by name
   * @param message the facts, as {@code name=value} pairs
   */
  record ReaderFailed(ErrorCode code, String message) implements ReaderReply {
    public ReaderFailed {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }
}
