package dev.runnel.persistence.record;

/**
 * Where the timestamps of a batch's records come from, with Kafka's names: set by the producer
 * ({@link #CREATE_TIME}) or by the broker when it appended the batch ({@link #LOG_APPEND_TIME}).
 */
public enum TimestampType {
  CREATE_TIME,
  LOG_APPEND_TIME
}
