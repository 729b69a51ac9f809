package dev.runnel.actors.partition;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.PersistenceQuery;
import akka.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import akka.persistence.query.javadsl.EventsByPersistenceIdQuery;
import akka.persistence.query.javadsl.ReadJournal;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.partition.OffsetsReply.OffsetFound;
import dev.runnel.persistence.record.Record;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Reads one partition's log through the read journal, apart from the actor that owns it: the
 * streams run on the system's materializer and outlive the actor (a reader keeps reading when the
 * partition is passivated). The read journal shows only durable events, so neither does anything
 * read here.
 *
 * <p>Thread-safe: immutable.
 */
final class LogReads {

  private final String persistenceId;
  private final EventsByPersistenceIdQuery live;
  private final CurrentEventsByPersistenceIdQuery current;
  private final Materializer materializer;
  private final Executor executor;

  private LogReads(
      String persistenceId,
      EventsByPersistenceIdQuery live,
      CurrentEventsByPersistenceIdQuery current,
      Materializer materializer,
      Executor executor) {
    this.persistenceId = persistenceId;
    this.live = live;
    this.current = current;
    this.materializer = materializer;
    this.executor = executor;
  }

  /**
   * Reads of the given log through the read journal at {@code readJournalPluginId}.
   *
   * @throws IllegalArgumentException if that read journal cannot query events by persistence id,
   *     live and current
   */
  static LogReads create(ActorSystem<?> system, String readJournalPluginId, String persistenceId) {
    ReadJournal journal =
        PersistenceQuery.get(Adapter.toClassic(system))
            .getReadJournalFor(ReadJournal.class, readJournalPluginId);
    if (!(journal instanceof EventsByPersistenceIdQuery live)
        || !(journal instanceof CurrentEventsByPersistenceIdQuery current)) {
      throw new IllegalArgumentException(
          "Read journal cannot serve partitions: runnel.partition.read-journal-plugin-id="
              + readJournalPluginId
              + ", class="
              + journal.getClass().getName()
              + ", needs=eventsByPersistenceId and currentEventsByPersistenceId");
    }
    return new LogReads(
        persistenceId,
        live,
        current,
        Materializer.matFromSystem(system),
        system.executionContext());
  }

  Materializer materializer() {
    return materializer;
  }

  /**
   * The batches from the one holding {@code fromOffset} on, live, starting the journal query at
   * {@code fromSequenceNr} (at or before that batch). Fails with {@code OFFSET_OUT_OF_RANGE} when
   * the next batch is gone: retention deleted it, so offsets would jump.
   */
  Source<StoredBatch, NotUsed> batchesFrom(long fromSequenceNr, long fromOffset) {
    return live.eventsByPersistenceId(persistenceId, fromSequenceNr, Long.MAX_VALUE)
        .map(EventEnvelope::event)
        .collectType(StoredBatch.class)
        .statefulMapConcat(
            () -> {
              long[] next = {fromOffset};
              return batch -> {
                if (batch.lastOffset() < next[0]) {
                  return List.of();
                }
                if (batch.baseOffset() > next[0]) {
                  throw new RunnelException(
                      ErrorCode.OFFSET_OUT_OF_RANGE,
                      "Offset deleted by retention: persistenceId="
                          + persistenceId
                          + ", offset="
                          + next[0]
                          + ", nextStoredOffset="
                          + batch.baseOffset());
                }
                next[0] = batch.lastOffset() + 1;
                return List.of(batch);
              };
            });
  }

  /**
   * The first record at or above {@code logStartOffset} whose timestamp is at least {@code
   * timestamp}, searching the events stored now from {@code fromSequenceNr} to {@code
   * toSequenceNr}; {@code OffsetFound(-1, -1)} when there is none.
   */
  CompletionStage<OffsetFound> firstAtOrAfter(
      long fromSequenceNr, long toSequenceNr, long logStartOffset, long timestamp) {
    return current
        .currentEventsByPersistenceId(persistenceId, fromSequenceNr, toSequenceNr)
        .map(EventEnvelope::event)
        .collectType(StoredBatch.class)
        .filter(batch -> batch.lastOffset() >= logStartOffset && batch.maxTimestamp() >= timestamp)
        .map(batch -> firstRecord(batch, logStartOffset, timestamp))
        .filter(Optional::isPresent)
        .map(Optional::get)
        .runWith(Sink.headOption(), materializer)
        .thenApplyAsync(
            found ->
                found
                    .map(record -> new OffsetFound(record.offset(), record.timestamp()))
                    .orElse(new OffsetFound(-1, -1)),
            executor);
  }

  private static Optional<Record> firstRecord(StoredBatch batch, long fromOffset, long timestamp) {
    for (Record record : batch.decode().records()) {
      if (record.offset() >= fromOffset && record.timestamp() >= timestamp) {
        return Optional.of(record);
      }
    }
    return Optional.empty();
  }
}
