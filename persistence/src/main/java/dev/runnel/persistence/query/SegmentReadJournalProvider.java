package dev.runnel.persistence.query;

import akka.actor.ExtendedActorSystem;
import akka.persistence.query.ReadJournalProvider;
import com.typesafe.config.Config;
import dev.runnel.persistence.query.javadsl.SegmentReadJournal;

/**
 * Creates the read journal configured at {@code runnel.persistence.query} (or a copy of that
 * section), as Akka Persistence Query asks for it.
 */
public final class SegmentReadJournalProvider implements ReadJournalProvider {

  private final SegmentReadJournal javadsl;
  private final dev.runnel.persistence.query.scaladsl.SegmentReadJournal scaladsl;

  public SegmentReadJournalProvider(ExtendedActorSystem system, Config config) {
    this.javadsl = new SegmentReadJournal(system, config);
    this.scaladsl = new dev.runnel.persistence.query.scaladsl.SegmentReadJournal(javadsl);
  }

  @Override
  public dev.runnel.persistence.query.scaladsl.SegmentReadJournal scaladslReadJournal() {
    return scaladsl;
  }

  @Override
  public SegmentReadJournal javadslReadJournal() {
    return javadsl;
  }
}
