package dev.runnel.persistence.log;

/** An entry's payload is larger than {@link LogSettings#maxEntryBytes()}; nothing was written. */
public final class EntryTooLargeException extends IllegalArgumentException {

  public EntryTooLargeException(String message) {
    super(message);
  }
}
