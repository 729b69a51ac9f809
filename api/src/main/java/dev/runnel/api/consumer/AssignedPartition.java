package dev.runnel.api.consumer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One partition while it is assigned to a group member: its key, the member's committer, and the
 * offset after the last record the consumer's downstream took ({@code -1} before the first), which
 * automatic commits commit. Thread-safe: the stream writes the position, the member reads it.
 */
final class AssignedPartition {

  private final GroupTopicPartition key;
  private final OffsetCommitter committer;
  private final AtomicLong consumed = new AtomicLong(-1);

  AssignedPartition(GroupTopicPartition key, OffsetCommitter committer) {
    this.key = key;
    this.committer = committer;
  }

  GroupTopicPartition key() {
    return key;
  }

  OffsetCommitter committer() {
    return committer;
  }

  /** Records that the downstream took the record at {@code offset}. */
  void consumed(long offset) {
    consumed.accumulateAndGet(offset + 1, Math::max);
  }

  /** The offset after the last record taken downstream, or -1. */
  long consumedPosition() {
    return consumed.get();
  }
}
