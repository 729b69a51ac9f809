package dev.runnel.actors.partition;

import akka.Done;
import akka.actor.typed.ActorRef;
import dev.runnel.actors.RunnelSerializable;
import java.util.Objects;

/** What a {@link Partition} is asked to do. Each command's answer goes to its {@code replyTo}. */
public sealed interface PartitionCommand extends RunnelSerializable
    permits PartitionCommand.Append,
        PartitionCommand.OpenReader,
        PartitionCommand.ListOffsets,
        PartitionCommand.GetPartitionInfo,
        PartitionCommand.DeletePartition,
        PartitionCommand.Passivate,
        Partition.Internal {

  /**
   * Appends one record batch to the log.
   *
   * @param batch one batch encoded by {@link dev.runnel.persistence.record.RecordBatchCodec}, with
   *     base offset 0, and the producer id, epoch and base sequence in its header when the producer
   *     is idempotent. The partition neither keeps nor modifies the array.
   * @param acks when to answer
   * @param replyTo gets {@link AppendReply.Appended} or {@link AppendReply.AppendFailed}
   */
  record Append(byte[] batch, Acks acks, ActorRef<AppendReply> replyTo)
      implements PartitionCommand {
    public Append {
      Objects.requireNonNull(batch, "batch");
      Objects.requireNonNull(acks, "acks");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Opens a stream of the log from an offset between the log start offset and the high watermark
   * (inclusive: a reader at the high watermark waits for the next batch).
   *
   * @param fromOffset the first offset the reader wants
   * @param replyTo gets {@link ReaderReply.ReaderOpened} or {@link ReaderReply.ReaderFailed}
   */
  record OpenReader(long fromOffset, ActorRef<ReaderReply> replyTo) implements PartitionCommand {
    public OpenReader {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Looks up an offset: the log start, the high watermark or the first at or after a timestamp.
   *
   * @param spec which offset
   * @param replyTo gets {@link OffsetsReply.OffsetFound} or {@link OffsetsReply.OffsetsFailed}
   */
  record ListOffsets(OffsetSpec spec, ActorRef<OffsetsReply> replyTo) implements PartitionCommand {
    public ListOffsets {
      Objects.requireNonNull(spec, "spec");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Asks for the partition's offsets and size.
   *
   * @param replyTo gets the {@link PartitionInfo}
   */
  record GetPartitionInfo(ActorRef<PartitionInfo> replyTo) implements PartitionCommand {
    public GetPartitionInfo {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Deletes the partition's log and snapshots for good, then stops the partition; sent when its
   * topic is deleted. From receipt on, appends and readers are refused with {@code
   * TOPIC_DELETION_IN_PROGRESS}. If the storage fails to delete, nothing is answered (the asker's
   * timeout expires) and the request may be sent again.
   *
   * @param replyTo gets {@link Done} once everything is deleted
   */
  record DeletePartition(ActorRef<Done> replyTo) implements PartitionCommand {
    public DeletePartition {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Stops the partition after writing the appends it has queued (as many as one write carries): the
   * message Cluster Sharding may send to passivate it. A partition may also be stopped without it
   * at any time; appends not yet written are then answered with {@code NOT_AVAILABLE}.
   */
  enum Passivate implements PartitionCommand {
    INSTANCE
  }
}
