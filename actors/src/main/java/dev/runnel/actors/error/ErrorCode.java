package dev.runnel.actors.error;

/**
 * Every failure a client of Runnel can see, with Kafka's error names where Kafka has one. A
 * retriable error may succeed when the same request is sent again (after the partition moved,
 * metadata caught up or a timeout passed); the others will fail again until the request changes.
 */
public enum ErrorCode {
  /** The topic or partition does not exist (yet, or on this node's metadata). */
  UNKNOWN_TOPIC_OR_PARTITION(true),
  /** A topic of that name exists already. */
  TOPIC_ALREADY_EXISTS(false),
  /** The topic name breaks the naming rules. */
  INVALID_TOPIC_EXCEPTION(false),
  /** A partition count that is not positive, or smaller than the current one. */
  INVALID_PARTITIONS(false),
  /** An unknown topic setting, or a value it cannot take. */
  INVALID_CONFIG(false),
  /** A request whose fields are malformed or contradict each other. */
  INVALID_REQUEST(false),
  /** The topic is being deleted; it cannot be written, altered or created again yet. */
  TOPIC_DELETION_IN_PROGRESS(true),
  /** The requested offset is below the log start offset or above the high watermark. */
  OFFSET_OUT_OF_RANGE(false),
  /** A record batch larger than the topic's {@code max.message.bytes}. */
  RECORD_TOO_LARGE(false),
  /**
   * A producer's {@code buffer.memory} is full of records not yet appended (Kafka's client-side
   * {@code BufferExhaustedException}); sending again once earlier records are answered may work.
   */
  BUFFER_EXHAUSTED(true),
  /** A record batch whose bytes fail their checks (CRC, lengths, format). */
  CORRUPT_MESSAGE(false),
  /** A record the topic cannot take (for example a record without a key on a compacted topic). */
  INVALID_RECORD(false),
  /** The producer's batch was written before; it is answered with its original offsets. */
  DUPLICATE_SEQUENCE_NUMBER(false),
  /** The producer's sequence number leaves a gap after the last one written. */
  OUT_OF_ORDER_SEQUENCE_NUMBER(false),
  /** A newer epoch of the same producer id exists: this producer is a zombie. */
  PRODUCER_FENCED(false),
  /** The storage failed to read or write; the partition recovers and the request may be retried. */
  KAFKA_STORAGE_ERROR(true),
  /** No answer came within the request's timeout; the request may or may not have taken effect. */
  REQUEST_TIMED_OUT(true),
  /** The node is shutting down or the target actor stopped before it answered. */
  NOT_AVAILABLE(true),
  /**
   * The group id is empty, longer than 249 characters or holds characters other than {@code
   * [a-zA-Z0-9._-]}.
   */
  INVALID_GROUP_ID(false),
  /** The group has no stored data: nothing was ever committed and no member ever joined. */
  GROUP_ID_NOT_FOUND(false),
  /**
   * The member is not (or no longer) a member of the group: it never joined, left, was removed
   * after its session or rebalance timeout, or the coordinator restarted. It may join again.
   */
  UNKNOWN_MEMBER_ID(false),
  /** The generation a member sent is not its current one: it missed a rebalance. */
  ILLEGAL_GENERATION(false),
  /**
   * A commit for a partition the member does not own in the group's current assignment: a zombie
   * that lost the partition in a rebalance must not move its offset.
   */
  FENCED_MEMBER_EPOCH(false),
  /** The member asks for another assignor than the one the group's members use now. */
  INCONSISTENT_GROUP_PROTOCOL(false),
  /** The request needs a group without members (reset offsets, delete, commit from outside). */
  NON_EMPTY_GROUP(false),
  /** The session timeout is outside the broker's allowed range ({@code runnel.group}). */
  INVALID_SESSION_TIMEOUT(false);

  private final boolean retriable;

  ErrorCode(boolean retriable) {
    this.retriable = retriable;
  }

  /** Whether sending the same request again may succeed. */
  public boolean retriable() {
    return retriable;
  }
}
