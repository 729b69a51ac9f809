package dev.runnel.persistence.log;

/**
 * A log could not be brought back to a consistent state after a write failure, so it refuses
 * further appends until the store is reopened (recovery then cuts whatever was half written).
 */
public final class LogFailedException extends LogStorageException {

  public LogFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
