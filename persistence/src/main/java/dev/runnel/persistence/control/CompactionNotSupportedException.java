package dev.runnel.persistence.control;

/**
 * Thrown by {@link LogControl#configureCompaction} when the journal behind the log cannot compact
 * it: every journal but the segment journal (a JDBC journal included). Its message names the
 * journal plugin and the persistence id.
 */
public final class CompactionNotSupportedException extends UnsupportedOperationException {

  public CompactionNotSupportedException(String message) {
    super(message);
  }
}
