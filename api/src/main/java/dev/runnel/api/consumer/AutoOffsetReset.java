package dev.runnel.api.consumer;

/**
 * Kafka's {@code auto.offset.reset}: where a consumer starts in a partition it has no valid offset
 * for.
 */
public enum AutoOffsetReset {
  /** The log start offset: the first record still in the log. */
  EARLIEST,
  /** The high watermark: only records written from then on. */
  LATEST,
  /** No reset: the stream fails with {@code OFFSET_OUT_OF_RANGE}. */
  NONE
}
