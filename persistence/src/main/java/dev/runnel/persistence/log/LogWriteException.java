package dev.runnel.persistence.log;

/**
 * Writing (or forcing) an append failed. Nothing of the failed write cycle's appends for that log
 * was kept: the log was cut back to where the cycle started, or, if even that failed, marked failed
 * (see {@link LogFailedException}).
 */
public final class LogWriteException extends LogStorageException {

  public LogWriteException(String message, Throwable cause) {
    super(message, cause);
  }
}
