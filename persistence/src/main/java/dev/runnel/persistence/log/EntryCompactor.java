package dev.runnel.persistence.log;

import dev.runnel.persistence.record.BatchCompaction.RecordVisitor;
import java.nio.ByteBuffer;

/**
 * How the cleaner sees the keyed records inside a log entry, whose payload the engine otherwise
 * never interprets. The journal supplies one that finds the record batches among an entry's events
 * ({@code dev.runnel.persistence.journal.RecordBatchEvents}).
 *
 * <p>Implementations must be thread-safe: cleaner threads share them.
 */
public interface EntryCompactor {

  /** Calls {@code visitor} for every record in the entry, in offset order. */
  void scan(LogEntry entry, RecordVisitor visitor);

  /**
   * The entry's payload holding only the records {@code keep} accepts, everything else of it as it
   * was; null when {@code keep} accepts every record (the entry stays as it is). The entry keeps
   * its sequence numbers whatever is removed.
   */
  ByteBuffer retain(LogEntry entry, RecordVisitor keep);
}
