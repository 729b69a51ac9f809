package dev.runnel.persistence.query.scaladsl;

import akka.NotUsed;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.scaladsl.CurrentEventsByPersistenceIdQuery;
import akka.persistence.query.scaladsl.CurrentPersistenceIdsQuery;
import akka.persistence.query.scaladsl.EventsByPersistenceIdQuery;
import akka.persistence.query.scaladsl.PersistenceIdsQuery;
import akka.persistence.query.scaladsl.ReadJournal;
import akka.stream.scaladsl.Source;

/**
 * Scala API of the read journal; the same queries as {@link
 * dev.runnel.persistence.query.javadsl.SegmentReadJournal}, which it delegates to.
 */
public final class SegmentReadJournal
    implements ReadJournal,
        EventsByPersistenceIdQuery,
        CurrentEventsByPersistenceIdQuery,
        PersistenceIdsQuery,
        CurrentPersistenceIdsQuery {

  /** The configuration path of this read journal's default configuration. */
  public static final String IDENTIFIER =
      dev.runnel.persistence.query.javadsl.SegmentReadJournal.IDENTIFIER;

  private final dev.runnel.persistence.query.javadsl.SegmentReadJournal javadsl;

  public SegmentReadJournal(dev.runnel.persistence.query.javadsl.SegmentReadJournal javadsl) {
    this.javadsl = javadsl;
  }

  @Override
  public Source<EventEnvelope, NotUsed> eventsByPersistenceId(
      String persistenceId, long fromSequenceNr, long toSequenceNr) {
    return javadsl.eventsByPersistenceId(persistenceId, fromSequenceNr, toSequenceNr).asScala();
  }

  @Override
  public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(
      String persistenceId, long fromSequenceNr, long toSequenceNr) {
    return javadsl
        .currentEventsByPersistenceId(persistenceId, fromSequenceNr, toSequenceNr)
        .asScala();
  }

  @Override
  public Source<String, NotUsed> persistenceIds() {
    return javadsl.persistenceIds().asScala();
  }

  @Override
  public Source<String, NotUsed> currentPersistenceIds() {
    return javadsl.currentPersistenceIds().asScala();
  }
}
