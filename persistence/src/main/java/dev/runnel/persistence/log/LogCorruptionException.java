package dev.runnel.persistence.log;

/**
 * A read met a damaged entry inside committed data (for example a bit flip after it was written).
 * Recovery cuts damaged tails on open; this reports damage found later.
 */
public final class LogCorruptionException extends LogStorageException {

  public LogCorruptionException(String message) {
    super(message);
  }

  /** The damaged entry where {@code reader} stopped in {@code segment} of a log. */
  static LogCorruptionException atEntry(String persistenceId, Segment segment, EntryReader reader) {
    return new LogCorruptionException(
        "Corrupt entry: persistenceId="
            + persistenceId
            + ", file="
            + segment.file()
            + ", position="
            + reader.position()
            + ", reason="
            + reader.failure());
  }
}
