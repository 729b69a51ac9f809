package dev.runnel.persistence.snapshot;

import akka.dispatch.Futures;
import akka.persistence.SelectedSnapshot;
import akka.persistence.SnapshotMetadata;
import akka.persistence.SnapshotSelectionCriteria;
import akka.persistence.snapshot.japi.SnapshotStore;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import com.typesafe.config.Config;
import dev.runnel.persistence.serialization.SerializedValue;
import dev.runnel.persistence.snapshot.SnapshotFiles.SnapshotFile;
import dev.runnel.persistence.snapshot.SnapshotFiles.StoredSnapshot;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;

/**
 * Akka Persistence snapshot store keeping one file per snapshot ({@link SnapshotFiles}) under the
 * configured {@code dir}. All file I/O runs on the configured {@code io-dispatcher}.
 *
 * <p>Loading tries the matching snapshots newest first; a file that cannot be read, verified or
 * deserialized is logged at WARN and the next older one is tried. When snapshots matched but none
 * could be loaded the load fails, as Akka's local snapshot store does, rather than letting the
 * entity recover from events that may already have been deleted.
 */
public final class SegmentSnapshotStore extends SnapshotStore {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentSnapshotStore.class);

  private final SnapshotFiles files;
  private final Serialization serialization;
  private final ExecutionContext io;

  public SegmentSnapshotStore(Config config) {
    this.files = new SnapshotFiles(Path.of(config.getString("dir")));
    this.serialization = SerializationExtension.get(context().system());
    this.io = context().system().dispatchers().lookup(config.getString("io-dispatcher"));
  }

  @Override
  public Future<Optional<SelectedSnapshot>> doLoadAsync(
      String persistenceId, SnapshotSelectionCriteria criteria) {
    return Futures.future(() -> load(persistenceId, criteria), io);
  }

  @Override
  public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
    return Futures.future(() -> save(metadata, snapshot), io);
  }

  @Override
  public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
    return Futures.future(
        () ->
            delete(
                metadata.persistenceId(),
                file ->
                    file.sequenceNr() == metadata.sequenceNr()
                        && (metadata.timestamp() == 0 || file.timestamp() == metadata.timestamp())),
        io);
  }

  @Override
  public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    return Futures.future(() -> delete(persistenceId, file -> matches(criteria, file)), io);
  }

  private Optional<SelectedSnapshot> load(
      String persistenceId, SnapshotSelectionCriteria criteria) {
    RuntimeException lastFailure = null;
    int tried = 0;
    for (SnapshotFile file : files.list(persistenceId)) {
      if (!matches(criteria, file)) {
        continue;
      }
      tried++;
      try {
        return Optional.of(toSelected(files.read(persistenceId, file)));
      } catch (RuntimeException e) {
        LOG.warn(
            "Skipping unreadable snapshot: persistenceId={}, sequenceNr={}, timestamp={}, file={},"
                + " reason={}",
            persistenceId,
            file.sequenceNr(),
            file.timestamp(),
            file.path(),
            e.toString());
        lastFailure = e;
      }
    }
    if (lastFailure != null) {
      throw new IllegalStateException(
          "No loadable snapshot: persistenceId="
              + persistenceId
              + ", matching="
              + tried
              + ", lastFailure="
              + lastFailure.getMessage(),
          lastFailure);
    }
    return Optional.empty();
  }

  private SelectedSnapshot toSelected(StoredSnapshot stored) {
    Object snapshot = stored.snapshot().deserialize(serialization);
    Option<Object> metadata =
        stored.metadata() == null
            ? Option.empty()
            : Option.apply(stored.metadata().deserialize(serialization));
    return SelectedSnapshot.create(
        new SnapshotMetadata(
            stored.persistenceId(), stored.sequenceNr(), stored.timestamp(), metadata),
        snapshot);
  }

  private Void save(SnapshotMetadata metadata, Object snapshot) {
    SerializedValue serializedMetadata =
        metadata.metadata().isDefined()
            ? SerializedValue.serialize(serialization, metadata.metadata().get())
            : null;
    files.save(
        new StoredSnapshot(
            metadata.persistenceId(),
            metadata.sequenceNr(),
            metadata.timestamp(),
            SerializedValue.serialize(serialization, snapshot),
            serializedMetadata));
    return null;
  }

  private Void delete(String persistenceId, Predicate<SnapshotFile> selected) {
    for (SnapshotFile file : files.list(persistenceId)) {
      if (selected.test(file)) {
        files.delete(file);
      }
    }
    return null;
  }

  private static boolean matches(SnapshotSelectionCriteria criteria, SnapshotFile file) {
    return file.sequenceNr() >= criteria.minSequenceNr()
        && file.sequenceNr() <= criteria.maxSequenceNr()
        && file.timestamp() >= criteria.minTimestamp()
        && file.timestamp() <= criteria.maxTimestamp();
  }
}
