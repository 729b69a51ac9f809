package dev.runnel.persistence.log;

/**
 * A storage operation failed: the operating system refused it, or the store is closed. The message
 * carries name=value facts (persistence id, file, position, cause).
 */
public class LogStorageException extends RuntimeException {

  public LogStorageException(String message) {
    super(message);
  }

  public LogStorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
