package dev.runnel.persistence.control;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import com.typesafe.config.Config;
import dev.runnel.persistence.journal.SegmentJournal;
import dev.runnel.persistence.journal.SegmentStorage;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;

/**
 * What the owner of an event-sourced log (such as a topic partition) asks of the storage behind its
 * journal and snapshot-store plugins besides appending: retention, compaction, per-log segment
 * settings and deletion of the whole log.
 *
 * <p>For the segment journal ({@link SegmentJournal}) it works on the journal's {@link
 * dev.runnel.persistence.log.LogStore} directly; for any other journal plugin it sends Akka's
 * classic {@code JournalProtocol.DeleteMessagesTo} to the plugin actor. Snapshots are always
 * deleted by {@code SnapshotProtocol.DeleteSnapshots} to the snapshot-store plugin actor, which for
 * the segment snapshot store deletes its files. Plugin replies are awaited for at most {@code
 * runnel.persistence.control.plugin-reply-timeout}.
 *
 * <p>Thread-safety: every method may be called from any thread, an actor's included: blocking work
 * runs on the storage's io dispatcher, and every returned stage completes on the actor system's
 * default dispatcher.
 */
public interface LogControl {

  /**
   * The control of the journal plugin at config path {@code journalPluginId} and the snapshot-store
   * plugin at {@code snapshotPluginId}; "" means the default plugin ({@code
   * akka.persistence.journal.plugin}, {@code akka.persistence.snapshot-store.plugin}). Starts the
   * plugin actors (and opens the segment storage) if they are not running yet; after that it is
   * cheap, since both are shared per ActorSystem.
   */
  static LogControl forJournal(
      ActorSystem<?> system, String journalPluginId, String snapshotPluginId) {
    akka.actor.ActorSystem classic = Adapter.toClassic(system);
    Config config = classic.settings().config();
    Duration timeout = config.getDuration("runnel.persistence.control.plugin-reply-timeout");
    PluginLogControl plugins =
        new PluginLogControl(
            classic, journalPluginId, snapshotPluginId, timeout, system.executionContext());
    String journalPath =
        journalPluginId.isEmpty()
            ? config.getString("akka.persistence.journal.plugin")
            : journalPluginId;
    boolean segmentJournal =
        !journalPath.isEmpty()
            && config.hasPath(journalPath + ".class")
            && config.getString(journalPath + ".class").equals(SegmentJournal.class.getName());
    if (!segmentJournal) {
      return plugins;
    }
    return new SegmentLogControl(
        SegmentStorage.get(classic).storage(journalPath), plugins, system.executionContext());
  }

  /**
   * Deletes events 1..{@code toSequenceNr} for good (whole segments where segmented; the rest of a
   * partly deleted segment stays on disk but is never read again). The highest sequence number
   * survives, so the log continues above it.
   */
  CompletionStage<Done> deleteEventsTo(String persistenceId, long toSequenceNr);

  /**
   * Deletes all events and then all snapshots of the id, so the id can start over empty: a
   * persistent actor recovering afterwards has an empty state and continues with sequence numbers
   * above the old ones. If it fails half way, calling it again finishes the job.
   */
  CompletionStage<Done> deleteAll(String persistenceId);

  /**
   * Segment size and age for one log from its next append on; in memory only, so the owner sets it
   * again after a restart. Storages without segments ignore it. The segment journal clamps {@code
   * segmentBytes} into the engine's range (see {@link
   * dev.runnel.persistence.log.LogStore#configureSegments}).
   *
   * @throws IllegalArgumentException for {@code segmentBytes <= 0} or a non-positive {@code
   *     segmentAge}, where the storage has segments
   */
  void configureSegments(String persistenceId, long segmentBytes, Duration segmentAge);

  /**
   * Compacts the id's log in the background from now on (the newest record of each key stays, older
   * ones and expired tombstones go; sequence numbers and offsets never change), or stops compacting
   * it when {@code compaction} is null. In memory only, like {@link #configureSegments}: the owner
   * sets it again after a restart. Never blocks.
   *
   * @throws CompactionNotSupportedException when the storage cannot compact (any journal but the
   *     segment journal); nothing changes then
   * @throws IllegalArgumentException for settings out of range
   */
  void configureCompaction(String persistenceId, LogCompaction compaction);

  /**
   * Bytes the id's log occupies in storage, if the storage knows (segment journal: yes; cheap once
   * the log is open, which it is after its owner recovered).
   */
  OptionalLong sizeInBytes(String persistenceId);
}
