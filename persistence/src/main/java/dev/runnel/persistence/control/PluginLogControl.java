package dev.runnel.persistence.control;

import akka.Done;
import akka.actor.ActorRef;
import akka.actor.ActorSystem;
import akka.pattern.Patterns;
import akka.persistence.DeleteMessagesFailure;
import akka.persistence.DeleteMessagesSuccess;
import akka.persistence.DeleteSnapshotsFailure;
import akka.persistence.DeleteSnapshotsSuccess;
import akka.persistence.JournalProtocol;
import akka.persistence.Persistence;
import akka.persistence.SnapshotProtocol;
import akka.persistence.SnapshotSelectionCriteria;
import com.typesafe.config.ConfigFactory;
import dev.runnel.persistence.journal.SegmentJournal;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * {@link LogControl} over any journal and snapshot-store plugin, through Akka's classic plugin
 * protocol: {@code DeleteMessagesTo} to the journal actor and {@code DeleteSnapshots} to the
 * snapshot-store actor, each asked with a timeout. Segments are unknown here: {@link
 * #configureSegments} does nothing and {@link #sizeInBytes} is empty. Compaction is refused with
 * {@link CompactionNotSupportedException}: the plugin protocol cannot rewrite stored events.
 */
final class PluginLogControl implements LogControl {

  private final String journalPluginId;
  private final ActorRef journal;
  private final ActorRef snapshotStore;
  private final Duration timeout;
  private final Executor dispatcher;

  PluginLogControl(
      ActorSystem system,
      String journalPluginId,
      String snapshotPluginId,
      Duration timeout,
      Executor dispatcher) {
    this.journalPluginId = journalPluginId;
    Persistence persistence = Persistence.get(system);
    this.journal = persistence.journalFor(journalPluginId, ConfigFactory.empty());
    this.snapshotStore = persistence.snapshotStoreFor(snapshotPluginId, ConfigFactory.empty());
    this.timeout = timeout;
    this.dispatcher = dispatcher;
  }

  @Override
  public CompletionStage<Done> deleteEventsTo(String persistenceId, long toSequenceNr) {
    return Stages.completeOn(
        Patterns.askWithReplyTo(
                journal,
                replyTo ->
                    new JournalProtocol.DeleteMessagesTo(persistenceId, toSequenceNr, replyTo),
                timeout)
            .thenCompose(PluginLogControl::outcome),
        dispatcher);
  }

  @Override
  public CompletionStage<Done> deleteAll(String persistenceId) {
    return deleteEventsTo(persistenceId, Long.MAX_VALUE)
        .thenCompose(done -> deleteSnapshots(persistenceId));
  }

  /** Deletes every snapshot of the id. */
  CompletionStage<Done> deleteSnapshots(String persistenceId) {
    return Stages.completeOn(
        Patterns.ask(
                snapshotStore,
                new SnapshotProtocol.DeleteSnapshots(
                    persistenceId, SnapshotSelectionCriteria.latest()),
                timeout)
            .thenCompose(PluginLogControl::outcome),
        dispatcher);
  }

  private static CompletionStage<Done> outcome(Object reply) {
    if (reply instanceof DeleteMessagesSuccess || reply instanceof DeleteSnapshotsSuccess) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    if (reply instanceof DeleteMessagesFailure failure) {
      return CompletableFuture.failedFuture(failure.cause());
    }
    if (reply instanceof DeleteSnapshotsFailure failure) {
      return CompletableFuture.failedFuture(failure.cause());
    }
    return CompletableFuture.failedFuture(
        new IllegalStateException("Unexpected reply of a persistence plugin: reply=" + reply));
  }

  @Override
  public void configureSegments(String persistenceId, long segmentBytes, Duration segmentAge) {}

  /** Refuses: compaction rewrites stored entries, which only the segment journal can do. */
  @Override
  public void configureCompaction(String persistenceId, LogCompaction compaction) {
    if (compaction != null) {
      throw new CompactionNotSupportedException(
          "Log compaction is not supported by this journal: journalPluginId="
              + journalPluginId
              + ", persistenceId="
              + persistenceId
              + ", reason=only the segment journal ("
              + SegmentJournal.class.getName()
              + ") compacts; use cleanup.policy=delete");
    }
  }

  @Override
  public OptionalLong sizeInBytes(String persistenceId) {
    return OptionalLong.empty();
  }
}
