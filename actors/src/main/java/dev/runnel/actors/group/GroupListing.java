package dev.runnel.actors.group;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.PersistenceQuery;
import akka.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import akka.persistence.query.javadsl.CurrentPersistenceIdsQuery;
import akka.persistence.query.javadsl.ReadJournal;
import akka.stream.javadsl.Sink;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Lists the groups that exist, from the read journal of the coordinators' journal: every
 * persistence id {@code group|<groupId>} whose last event is not a deletion. A deleted group's
 * journal keeps only its deletion marker (its earlier events and snapshots are gone), so the check
 * reads one event for it, and at most a snapshot interval of events for a live group.
 */
public final class GroupListing {

  /** How many groups are checked at once. */
  private static final int PARALLELISM = 4;

  private GroupListing() {}

  /**
   * The ids of the groups with stored data, sorted; completes on the system's dispatcher.
   *
   * @param readJournalPluginId a read journal that answers current persistence ids and current
   *     events by persistence id
   * @throws IllegalArgumentException if the read journal cannot answer both queries
   */
  public static CompletionStage<List<String>> groupIds(
      ActorSystem<?> system, String readJournalPluginId) {
    ReadJournal journal =
        PersistenceQuery.get(Adapter.toClassic(system))
            .getReadJournalFor(ReadJournal.class, readJournalPluginId);
    if (!(journal instanceof CurrentPersistenceIdsQuery ids)
        || !(journal instanceof CurrentEventsByPersistenceIdQuery events)) {
      throw new IllegalArgumentException(
          "Read journal cannot list groups: readJournalPluginId="
              + readJournalPluginId
              + ", class="
              + journal.getClass().getName());
    }
    return ids.currentPersistenceIds()
        .filter(id -> id.startsWith(GroupIds.PERSISTENCE_ID_PREFIX))
        .map(GroupIds::fromPersistenceId)
        .mapAsyncUnordered(
            PARALLELISM,
            groupId ->
                events
                    .currentEventsByPersistenceId(
                        GroupIds.persistenceId(groupId), 0, Long.MAX_VALUE)
                    .runWith(Sink.lastOption(), system)
                    .thenApplyAsync(
                        last -> deleted(last) ? Optional.<String>empty() : Optional.of(groupId),
                        system.executionContext()))
        .mapConcat(found -> found.map(List::of).orElse(List.of()))
        .runWith(Sink.seq(), system)
        .thenApplyAsync(found -> found.stream().sorted().toList(), system.executionContext());
  }

  private static boolean deleted(Optional<EventEnvelope> last) {
    return last.map(envelope -> envelope.event() == GroupEvent.GroupDeleted.INSTANCE).orElse(false);
  }
}
