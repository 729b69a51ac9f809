package dev.runnel.actors.partition;

import akka.NotUsed;
import akka.actor.ExtendedActorSystem;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.ReadJournalProvider;
import akka.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import akka.persistence.query.javadsl.EventsByPersistenceIdQuery;
import akka.stream.javadsl.Source;
import com.typesafe.config.Config;
import dev.runnel.persistence.query.javadsl.SegmentReadJournal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The segment read journal, counting per persistence id the events its queries have emitted: what a
 * partition's reader pulled from the journal. Configured like {@code runnel.persistence.query}.
 */
public final class CountingReadJournalProvider implements ReadJournalProvider {

  private static final Map<String, AtomicLong> PULLED = new ConcurrentHashMap<>();

  private final Counting journal;

  public CountingReadJournalProvider(ExtendedActorSystem system, Config config) {
    this.journal = new Counting(new SegmentReadJournal(system, config));
  }

  /** Events emitted so far by all queries of the id. */
  static long pulled(String persistenceId) {
    return counter(persistenceId).get();
  }

  private static AtomicLong counter(String persistenceId) {
    return PULLED.computeIfAbsent(persistenceId, id -> new AtomicLong());
  }

  @Override
  public akka.persistence.query.scaladsl.ReadJournal scaladslReadJournal() {
    return new akka.persistence.query.scaladsl.ReadJournal() {};
  }

  @Override
  public akka.persistence.query.javadsl.ReadJournal javadslReadJournal() {
    return journal;
  }

  private record Counting(SegmentReadJournal journal)
      implements EventsByPersistenceIdQuery, CurrentEventsByPersistenceIdQuery {

    @Override
    public Source<EventEnvelope, NotUsed> eventsByPersistenceId(
        String persistenceId, long fromSequenceNr, long toSequenceNr) {
      return count(
          persistenceId,
          journal.eventsByPersistenceId(persistenceId, fromSequenceNr, toSequenceNr));
    }

    @Override
    public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(
        String persistenceId, long fromSequenceNr, long toSequenceNr) {
      return count(
          persistenceId,
          journal.currentEventsByPersistenceId(persistenceId, fromSequenceNr, toSequenceNr));
    }

    private static Source<EventEnvelope, NotUsed> count(
        String persistenceId, Source<EventEnvelope, NotUsed> events) {
      AtomicLong counter = counter(persistenceId);
      return events.map(
          event -> {
            counter.incrementAndGet();
            return event;
          });
    }
  }
}
