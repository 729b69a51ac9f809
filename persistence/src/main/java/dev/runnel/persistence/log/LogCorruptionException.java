package dev.runnel.persistence.log;

/**
 * A read met a damaged entry inside committed data (for example a bit flip after it was written).
 * Recovery cuts damaged tails on open; this reports damage found later.
 */
public final class LogCorruptionException extends LogStorageException {

  public LogCorruptionException(String message) {
    super(message);
  }
}
