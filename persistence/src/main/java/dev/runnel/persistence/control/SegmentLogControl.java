package dev.runnel.persistence.control;

import akka.Done;
import dev.runnel.persistence.journal.RecordBatchEvents;
import dev.runnel.persistence.journal.SegmentStorage;
import dev.runnel.persistence.log.CompactionPolicy;
import dev.runnel.persistence.log.LogStore;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * {@link LogControl} of the segment journal: events through the journal's {@link LogStore} on its
 * io dispatcher, snapshots through the snapshot-store plugin, compaction by the store's cleaner
 * with {@link RecordBatchEvents} finding the batches among the events.
 */
final class SegmentLogControl implements LogControl {

  private final LogStore store;
  private final Executor io;
  private final PluginLogControl snapshots;
  private final Executor dispatcher;

  SegmentLogControl(
      SegmentStorage.Storage storage, PluginLogControl snapshots, Executor dispatcher) {
    this.store = storage.store();
    this.io = storage.io();
    this.snapshots = snapshots;
    this.dispatcher = dispatcher;
  }

  @Override
  public CompletionStage<Done> deleteEventsTo(String persistenceId, long toSequenceNr) {
    return onIo(() -> store.deleteTo(persistenceId, toSequenceNr));
  }

  @Override
  public CompletionStage<Done> deleteAll(String persistenceId) {
    return onIo(() -> store.deleteAll(persistenceId))
        .thenCompose(done -> snapshots.deleteSnapshots(persistenceId));
  }

  private CompletionStage<Done> onIo(Runnable work) {
    return Stages.completeOn(
        CompletableFuture.runAsync(work, io).thenApply(ignored -> Done.getInstance()), dispatcher);
  }

  @Override
  public void configureSegments(String persistenceId, long segmentBytes, Duration segmentAge) {
    store.configureSegments(persistenceId, segmentBytes, segmentAge);
  }

  @Override
  public void configureCompaction(String persistenceId, LogCompaction compaction) {
    store.configureCompaction(
        persistenceId,
        compaction == null
            ? null
            : new CompactionPolicy(
                new RecordBatchEvents(compaction.batchSerializerId(), compaction.batchManifest()),
                compaction.minCompactionLagMs(),
                compaction.maxCompactionLagMs(),
                compaction.minCleanableDirtyRatio(),
                compaction.deleteRetentionMs()));
  }

  @Override
  public OptionalLong sizeInBytes(String persistenceId) {
    return OptionalLong.of(store.sizeInBytes(persistenceId));
  }
}
