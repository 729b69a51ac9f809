package dev.runnel.actors.partition;

/**
 * When a partition answers an append, with the names of Kafka's producer {@code acks} setting.
 *
 * <p>A partition has one copy of its log (the journal's), so {@link #LEADER} and {@link #ALL} mean
 * the same: the answer comes once the journal acknowledged the write, which is durable as far as
 * the journal's fsync policy makes it (with the segment journal's {@code fsync = always}: forced to
 * the device).
 */
public enum Acks {
  /** Answered on receipt, before the batch is written, with base offset -1. */
  NONE,
  /** Answered once the journal acknowledged the write. */
  LEADER,
  /** Answered once the journal acknowledged the write; the same as {@link #LEADER}. */
  ALL
}
