package dev.runnel.persistence.query.javadsl;

import akka.NotUsed;
import akka.actor.ExtendedActorSystem;
import akka.japi.Pair;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.Offset;
import akka.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import akka.persistence.query.javadsl.CurrentPersistenceIdsQuery;
import akka.persistence.query.javadsl.EventsByPersistenceIdQuery;
import akka.persistence.query.javadsl.PersistenceIdsQuery;
import akka.persistence.query.javadsl.ReadJournal;
import akka.serialization.SerializationExtension;
import akka.stream.javadsl.Source;
import com.typesafe.config.Config;
import dev.runnel.persistence.journal.JournalEntryCodec;
import dev.runnel.persistence.journal.JournalEntryCodec.StoredEvent;
import dev.runnel.persistence.journal.SegmentStorage;
import dev.runnel.persistence.log.LogEntry;
import dev.runnel.persistence.log.LogStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Java API of the read journal over {@link dev.runnel.persistence.journal.SegmentJournal}'s
 * storage, obtained with {@code PersistenceQuery.get(system).getReadJournalFor(
 * SegmentReadJournal.class, SegmentReadJournal.IDENTIFIER)}.
 *
 * <p>Events by persistence id are read in bounded chunks, one chunk only when downstream demands
 * more, on the storage's io dispatcher; the live query waits for the store's next commit of that id
 * instead of polling. Envelopes carry {@code Offset.sequence(sequenceNr)} and the event's
 * timestamp. There are no queries by tag.
 */
public final class SegmentReadJournal
    implements ReadJournal,
        EventsByPersistenceIdQuery,
        CurrentEventsByPersistenceIdQuery,
        PersistenceIdsQuery,
        CurrentPersistenceIdsQuery {

  /** The configuration path of this read journal's default configuration. */
  public static final String IDENTIFIER = "runnel.persistence.query";

  /** Where a query stands: the next sequence number to emit, and the last one. */
  private record Cursor(long next, long to) {}

  /** What one read produced: the events, and where the next read starts. */
  private record Chunk(List<EventEnvelope> events, long next) {}

  private final LogStore store;
  private final ExecutionContextExecutor io;
  private final JournalEntryCodec codec;
  private final int chunkEntries;
  private final int chunkBytes;
  private final int persistenceIdsBufferSize;

  public SegmentReadJournal(ExtendedActorSystem system, Config config) {
    SegmentStorage.Storage storage =
        SegmentStorage.get(system).storage(config.getString("write-plugin"));
    this.store = storage.store();
    this.io = storage.io();
    this.codec = new JournalEntryCodec(SerializationExtension.get(system));
    this.chunkEntries = config.getInt("chunk-entries");
    this.chunkBytes = (int) Math.min(Integer.MAX_VALUE, config.getBytes("chunk-bytes"));
    this.persistenceIdsBufferSize = config.getInt("persistence-ids-buffer-size");
    if (chunkEntries < 1 || chunkBytes < 1 || persistenceIdsBufferSize < 1) {
      throw new IllegalArgumentException(
          "Bad query settings: chunk-entries="
              + chunkEntries
              + ", chunk-bytes="
              + chunkBytes
              + ", persistence-ids-buffer-size="
              + persistenceIdsBufferSize
              + ", all must be >= 1");
    }
  }

  /**
   * The events of the persistence id from {@code fromSequenceNr}, then every new one as it is
   * written, completing after {@code toSequenceNr}.
   */
  @Override
  public Source<EventEnvelope, NotUsed> eventsByPersistenceId(
      String persistenceId, long fromSequenceNr, long toSequenceNr) {
    return events(persistenceId, fromSequenceNr, toSequenceNr, true);
  }

  /**
   * The events stored when the stream starts, from {@code fromSequenceNr} to {@code toSequenceNr}.
   */
  @Override
  public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(
      String persistenceId, long fromSequenceNr, long toSequenceNr) {
    return Source.completionStage(
            CompletableFuture.supplyAsync(() -> store.highestSequenceNr(persistenceId), io))
        .flatMapConcat(
            highest ->
                events(persistenceId, fromSequenceNr, Math.min(toSequenceNr, highest), false));
  }

  /** The persistence ids that exist, then each new one as it is created; never completes. */
  @Override
  public Source<String, NotUsed> persistenceIds() {
    return Source.fromGraph(new LivePersistenceIds(store, io, persistenceIdsBufferSize));
  }

  /** The persistence ids that exist when the stream starts. */
  @Override
  public Source<String, NotUsed> currentPersistenceIds() {
    return Source.completionStage(CompletableFuture.supplyAsync(store::persistenceIds, io))
        .mapConcat(ids -> ids);
  }

  private Source<EventEnvelope, NotUsed> events(
      String persistenceId, long from, long to, boolean live) {
    return Source.unfoldAsync(
            new Cursor(Math.max(1, from), to), cursor -> step(persistenceId, cursor, live))
        .mapConcat(events -> events);
  }

  /**
   * The next chunk of events after the cursor: read at once if stored, otherwise (live) after the
   * store's next commit of the id; empty when the query is complete. A chunk is never empty: an
   * entry overlapping the cursor's range has at least one event in it.
   *
   * <p>Only the read is a task of its own on the io executor; what follows a read or a commit runs
   * on the thread that completed it (it only decides and hands the next read over), so a live event
   * waits for one thread hand-over, not three, between its commit and its chunk.
   */
  private CompletionStage<Optional<Pair<Cursor, List<EventEnvelope>>>> step(
      String persistenceId, Cursor cursor, boolean live) {
    if (cursor.next() > cursor.to()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return CompletableFuture.supplyAsync(() -> read(persistenceId, cursor), io)
        .thenComposeAsync(
            chunk -> {
              Cursor moved = new Cursor(chunk.next(), cursor.to());
              if (!chunk.events().isEmpty()) {
                return CompletableFuture.completedFuture(
                    Optional.of(Pair.create(moved, chunk.events())));
              }
              if (!live || moved.next() > moved.to()) {
                return CompletableFuture.completedFuture(Optional.empty());
              }
              return store
                  .awaitCommitAfter(persistenceId, moved.next() - 1)
                  .thenComposeAsync(committed -> step(persistenceId, moved, true), Runnable::run);
            },
            Runnable::run);
  }

  /** Blocking: reads and deserializes the events of one chunk. */
  private Chunk read(String persistenceId, Cursor cursor) {
    // Read before the log: everything up to this highest is visible to the read below.
    long highest = store.highestSequenceNr(persistenceId);
    long from = Math.max(cursor.next(), store.deletedTo(persistenceId) + 1);
    List<LogEntry> entries = store.read(persistenceId, from, cursor.to(), chunkEntries, chunkBytes);
    if (entries.isEmpty()) {
      // Nothing readable up to the highest (all deleted): wait for what comes after it.
      return new Chunk(List.of(), Math.max(from, Math.min(highest, cursor.to()) + 1));
    }
    List<EventEnvelope> events = new ArrayList<>();
    long next = from;
    for (LogEntry entry : entries) {
      for (StoredEvent event : codec.decode(entry)) {
        long sequenceNr = event.sequenceNr();
        if (sequenceNr >= from && sequenceNr <= cursor.to()) {
          events.add(
              new EventEnvelope(
                  Offset.sequence(sequenceNr),
                  persistenceId,
                  sequenceNr,
                  codec.payloadOf(event),
                  event.timestamp(),
                  codec.metadataOf(event)));
        }
      }
      next = Math.max(next, entry.lastSequenceNr() + 1);
    }
    return new Chunk(events, next);
  }
}
