package dev.runnel.persistence.journal;

import akka.Done;
import akka.actor.AbstractExtensionId;
import akka.actor.ActorSystem;
import akka.actor.ClassicActorSystemProvider;
import akka.actor.CoordinatedShutdown;
import akka.actor.ExtendedActorSystem;
import akka.actor.Extension;
import com.typesafe.config.Config;
import dev.runnel.persistence.log.CleanerSettings;
import dev.runnel.persistence.log.LogSettings;
import dev.runnel.persistence.log.LogStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * The storage engines of an ActorSystem: one {@link LogStore} per journal configuration path,
 * opened on first use and shared by the journal and the read journal of that path, so both see the
 * same open logs and commit notifications.
 *
 * <p>The stores are closed (pending writes drained, files forced) in the coordinated-shutdown phase
 * {@code before-actor-system-terminate}, while their io dispatcher still runs, and at the latest
 * when the ActorSystem has terminated; then a new ActorSystem in the same JVM can open the same
 * directories. A store asked for after that fails fast.
 *
 * <p>Thread-safe.
 */
public final class SegmentStorage implements Extension {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentStorage.class);

  private static final AbstractExtensionId<SegmentStorage> ID =
      new AbstractExtensionId<>() {
        @Override
        public SegmentStorage createExtension(ExtendedActorSystem system) {
          return new SegmentStorage(system);
        }
      };

  /** An open store with what its users need besides it. */
  public record Storage(String configPath, LogStore store, ExecutionContextExecutor io) {}

  private final ActorSystem system;
  private final ConcurrentMap<String, Storage> open = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private SegmentStorage(ActorSystem system) {
    this.system = system;
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "runnel-close-segment-storage",
            this::closeOnIoDispatchers);
    system.registerOnTermination(this::closeAll);
  }

  public static SegmentStorage get(ClassicActorSystemProvider system) {
    return ID.get(system);
  }

  /**
   * The store configured at {@code journalConfigPath} (a journal plugin section such as {@code
   * runnel.persistence.journal}), opened on first use.
   *
   * @throws IllegalStateException when the storage is already closed for shutdown
   */
  public Storage storage(String journalConfigPath) {
    Storage storage = open.computeIfAbsent(journalConfigPath, this::openStorage);
    if (closed) {
      // Shutdown began while opening: make sure this store does not outlive it.
      closeAll();
      throw closedError(journalConfigPath);
    }
    return storage;
  }

  private Storage openStorage(String configPath) {
    if (closed) {
      throw closedError(configPath);
    }
    Config config = system.settings().config().getConfig(configPath);
    ExecutionContextExecutor io = system.dispatchers().lookup(config.getString("io-dispatcher"));
    return new Storage(
        configPath,
        LogStore.open(
            LogSettings.fromConfig(config),
            CleanerSettings.fromConfig(config.getConfig("cleaner")),
            io),
        io);
  }

  private IllegalStateException closedError(String configPath) {
    return new IllegalStateException(
        "Storage closed: system=" + system.name() + ", configPath=" + configPath);
  }

  private CompletableFuture<Done> closeOnIoDispatchers() {
    closed = true;
    return CompletableFuture.allOf(
            open.values().stream()
                .map(storage -> CompletableFuture.runAsync(() -> close(storage), storage.io()))
                .toArray(CompletableFuture[]::new))
        .thenApply(done -> Done.getInstance());
  }

  private void closeAll() {
    closed = true;
    open.values().forEach(this::close);
  }

  private void close(Storage storage) {
    if (open.remove(storage.configPath(), storage)) {
      try {
        storage.store().close();
      } catch (RuntimeException e) {
        LOG.error(
            "Closing storage failed: system={}, configPath={}, dir={}",
            system.name(),
            storage.configPath(),
            storage.store().settings().directory(),
            e);
      }
    }
  }
}
