package dev.runnel.persistence.journal;

import dev.runnel.persistence.journal.JournalEntryCodec.StoredEvent;
import dev.runnel.persistence.log.EntryCompactor;
import dev.runnel.persistence.log.LogEntry;
import dev.runnel.persistence.record.BatchCompaction;
import dev.runnel.persistence.record.BatchCompaction.RecordVisitor;
import dev.runnel.persistence.serialization.SerializedValue;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the record batches among the events of a journal entry ({@link JournalEntryCodec} layout)
 * for the log cleaner: an event is a record batch when it was serialized by the serializer with
 * {@code serializerId} and {@code manifest} whose bytes are one encoded batch ({@code
 * RecordBatchCodec}), as the partition's {@code StoredBatchSerializer} writes them. Every other
 * event is kept as it is.
 *
 * <p>Rewriting an entry keeps all of its events, each with its sequence number, timestamp, writer
 * and manifest: only batch payloads lose records (see {@link BatchCompaction}), so Akka's replay
 * and the read journal see as many events as before, and the owner's offsets stay where they were.
 *
 * <p>Immutable and thread-safe.
 */
public final class RecordBatchEvents implements EntryCompactor {

  private final int serializerId;
  private final String manifest;

  public RecordBatchEvents(int serializerId, String manifest) {
    this.serializerId = serializerId;
    this.manifest = manifest;
  }

  @Override
  public void scan(LogEntry entry, RecordVisitor visitor) {
    for (StoredEvent event : JournalEntryCodec.decodeEvents(entry)) {
      if (isBatch(event.payload())) {
        BatchCompaction.scan(event.payload().bytes(), visitor);
      }
    }
  }

  @Override
  public ByteBuffer retain(LogEntry entry, RecordVisitor keep) {
    List<StoredEvent> events = JournalEntryCodec.decodeEvents(entry);
    List<StoredEvent> rewritten = new ArrayList<>(events.size());
    boolean changed = false;
    for (StoredEvent event : events) {
      byte[] kept =
          isBatch(event.payload()) ? BatchCompaction.retain(event.payload().bytes(), keep) : null;
      if (kept == null) {
        rewritten.add(event);
      } else {
        changed = true;
        rewritten.add(
            new StoredEvent(
                event.sequenceNr(),
                event.timestamp(),
                event.writerUuid(),
                event.manifest(),
                SerializedValue.of(serializerId, manifest, kept),
                event.metadata()));
      }
    }
    return changed ? JournalEntryCodec.encodeEvents(rewritten) : null;
  }

  private boolean isBatch(SerializedValue value) {
    return value.serializerId() == serializerId && value.manifest().equals(manifest);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RecordBatchEvents that
        && serializerId == that.serializerId
        && manifest.equals(that.manifest);
  }

  @Override
  public int hashCode() {
    return 31 * serializerId + manifest.hashCode();
  }
}
