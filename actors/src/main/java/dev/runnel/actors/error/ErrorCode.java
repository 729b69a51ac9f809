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
  NOT_AVAILABLE(true);

  private final boolean retriable;

  ErrorCode(boolean retriable) {
    this.retriable = retriable;
  }

  /** Whether sending the same request again may succeed. */
  public boolean retriable() {
    return retriable;
  }
}
