package dev.runnel.persistence.record;

/**
 * Thrown when bytes that should hold an encoded record batch do not: a bad CRC, an unknown magic or
 * attribute, an impossible length, truncated input or undecodable compressed data. The message
 * carries the facts as {@code name=value} pairs.
 */
public final class CorruptRecordBatchException extends RuntimeException {

  public CorruptRecordBatchException(String message) {
    super(message);
  }

  public CorruptRecordBatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
