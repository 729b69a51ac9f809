package dev.runnel.persistence.log;

import dev.runnel.persistence.log.SegmentedLog.PendingAppend;
import dev.runnel.persistence.log.SegmentedLog.SegmentLimits;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded storage engine: one {@link SegmentedLog} per persistence id under {@link
 * LogSettings#directory()}, opened lazily on first use, written by group commit.
 *
 * <p>Group commit: {@link #append} only validates and queues. One write cycle runs at a time: it
 * drains the queue, groups the appends by log and runs one task per log on the io executor (in
 * parallel); each task writes its log's entries with one gathering write per segment and, under
 * {@link FsyncPolicy#ALWAYS}, forces once. The task that finishes last (an atomic countdown, no
 * thread waits) publishes the logs' committed ends, completes the futures and wakes the waiters of
 * {@link #awaitCommitAfter}, then starts the next cycle if appends queued up meanwhile. So the more
 * writers, the more appends share one write and one force.
 *
 * <p>Segment size and age come from the {@link LogSettings}, unless {@link #configureSegments}
 * overrode them for one log. Logs given a {@link CompactionPolicy} ({@link #configureCompaction})
 * are compacted in the background by the store's {@link LogCleaner}.
 *
 * <p>Thread-safety: every public method may be called from any thread. {@link #append}, {@link
 * #configureSegments} and {@link #configureCompaction} never block; {@link #read}, {@link
 * #deleteTo}, {@link #deleteAll}, {@link #clean} and the retention methods block on file I/O and
 * belong on a dispatcher for blocking work.
 */
public final class LogStore implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LogStore.class);

  private final LogSettings settings;
  private final Executor io;
  private final SegmentLimits defaultLimits;
  private final ConcurrentHashMap<String, SegmentLimits> segmentOverrides =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CompactionPolicy> compactions = new ConcurrentHashMap<>();
  private final LogCleaner cleaner;
  private final ConcurrentHashMap<String, SegmentedLog> logs = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<PendingAppend> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean cycleRunning = new AtomicBoolean();
  private final ReentrantReadWriteLock closeLock = new ReentrantReadWriteLock();
  private final Object idle = new Object();
  private final ConcurrentHashMap<String, Queue<Waiter>> waiters = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private final Set<String> knownIds = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean knownIdsLoaded = new AtomicBoolean();
  private final ScheduledExecutorService flusher;
  private final LongAdder cycles = new LongAdder();
  private final LongAdder appends = new LongAdder();
  private final LongAdder entries = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final LongAdder forces = new LongAdder();
  private volatile boolean closed;

  private record Waiter(long sequenceNr, CompletableFuture<Void> future) {}

  /** The appends of one write cycle for one log, and what became of them. */
  private static final class LogBatch {
    final String persistenceId;
    final List<PendingAppend> appends = new ArrayList<>();
    SegmentedLog log;

    LogBatch(String persistenceId) {
      this.persistenceId = persistenceId;
    }
  }

  private LogStore(LogSettings settings, CleanerSettings cleanerSettings, Executor io) {
    this.settings = settings;
    this.io = io;
    this.cleaner = new LogCleaner(cleanerSettings, this::cleanerTargets);
    this.defaultLimits =
        new SegmentLimits(settings.segmentBytes(), settings.segmentAge().toMillis());
    if (settings.fsyncPolicy() == FsyncPolicy.INTERVAL) {
      flusher =
          Executors.newSingleThreadScheduledExecutor(
              task -> {
                Thread thread = new Thread(task, "runnel-log-fsync");
                thread.setDaemon(true);
                return thread;
              });
      long interval = settings.fsyncInterval().toNanos();
      flusher.scheduleWithFixedDelay(
          this::forceDirtyLogs, interval, interval, TimeUnit.NANOSECONDS);
    } else {
      flusher = null;
    }
  }

  /**
   * Opens the store on {@code settings.directory()} (created if missing); all file I/O of appends
   * runs on {@code ioExecutor}.
   */
  public static LogStore open(LogSettings settings, Executor ioExecutor) {
    return open(settings, CleanerSettings.defaults(), ioExecutor);
  }

  /**
   * Opens the store like {@link #open(LogSettings, Executor)}, with a log cleaner configured by
   * {@code cleanerSettings} (its threads start when a log first gets a compaction policy).
   */
  public static LogStore open(
      LogSettings settings, CleanerSettings cleanerSettings, Executor ioExecutor) {
    try {
      Files.createDirectories(settings.directory());
    } catch (IOException e) {
      throw new LogStorageException(
          "Cannot create log directory: directory=" + settings.directory(), e);
    }
    return new LogStore(settings, cleanerSettings, ioExecutor);
  }

  public LogSettings settings() {
    return settings;
  }

  /**
   * Appends entries to the log of {@code persistenceId}. The future completes once they are written
   * (and forced under {@link FsyncPolicy#ALWAYS}); only then can {@link #read} see them. It fails
   * with {@link EntryTooLargeException} for a payload above the limit, {@link
   * IllegalArgumentException} for sequence numbers that do not increase past the log's highest,
   * {@link LogWriteException} when writing failed, {@link LogFailedException} for a failed log and
   * {@link LogStorageException} after {@link #close()}; nothing of a failed append is kept. The
   * payload buffers must not change until the future completes; their positions are not touched.
   */
  public CompletableFuture<Void> append(String persistenceId, List<LogEntry> entries) {
    CompletableFuture<Void> future = new CompletableFuture<>();
    RuntimeException invalid = validate(persistenceId, entries);
    if (invalid != null) {
      future.completeExceptionally(invalid);
      return future;
    }
    if (entries.isEmpty()) {
      future.complete(null);
      return future;
    }
    closeLock.readLock().lock();
    try {
      if (closed) {
        future.completeExceptionally(closedException());
        return future;
      }
      queue.add(new PendingAppend(persistenceId, entries, future));
    } finally {
      closeLock.readLock().unlock();
    }
    startCycleIfIdle();
    return future;
  }

  private RuntimeException validate(String persistenceId, List<LogEntry> entries) {
    if (persistenceId == null || persistenceId.isEmpty()) {
      return new IllegalArgumentException("persistenceId must not be empty");
    }
    long previous = 0;
    for (LogEntry entry : entries) {
      int payloadBytes = entry.payload().remaining();
      if (payloadBytes > settings.maxEntryBytes()) {
        return new EntryTooLargeException(
            "Entry too large: persistenceId="
                + persistenceId
                + ", firstSequenceNr="
                + entry.firstSequenceNr()
                + ", payloadBytes="
                + payloadBytes
                + ", maxEntryBytes="
                + settings.maxEntryBytes());
      }
      if (entry.count() < 1 || entry.firstSequenceNr() <= previous) {
        return new IllegalArgumentException(
            "Sequence nrs must increase: persistenceId="
                + persistenceId
                + ", firstSequenceNr="
                + entry.firstSequenceNr()
                + ", count="
                + entry.count()
                + ", previousLastSequenceNr="
                + previous);
      }
      previous = entry.lastSequenceNr();
    }
    return null;
  }

  private void startCycleIfIdle() {
    while (!queue.isEmpty() && cycleRunning.compareAndSet(false, true)) {
      if (startCycle()) {
        return;
      }
      cycleRunning.set(false);
    }
    if (!cycleRunning.get()) {
      synchronized (idle) {
        idle.notifyAll();
      }
    }
  }

  /** Drains the queue into one task per log; false if there was nothing to write. */
  private boolean startCycle() {
    Map<String, LogBatch> batches = new LinkedHashMap<>();
    PendingAppend append;
    while ((append = queue.poll()) != null) {
      batches.computeIfAbsent(append.persistenceId, LogBatch::new).appends.add(append);
    }
    if (batches.isEmpty()) {
      return false;
    }
    List<LogBatch> cycle = new ArrayList<>(batches.values());
    AtomicInteger remaining = new AtomicInteger(cycle.size());
    for (LogBatch batch : cycle) {
      try {
        io.execute(() -> writeBatch(batch, cycle, remaining));
      } catch (RejectedExecutionException e) {
        fail(
            batch,
            new LogStorageException(
                "Io executor rejected the write: persistenceId=" + batch.persistenceId, e));
        if (remaining.decrementAndGet() == 0) {
          finishCycle(cycle);
        }
      }
    }
    return true;
  }

  private void writeBatch(LogBatch batch, List<LogBatch> cycle, AtomicInteger remaining) {
    try {
      batch.log = logFor(batch.persistenceId, true);
      forces.add(
          batch.log.write(
              batch.appends, segmentOverrides.getOrDefault(batch.persistenceId, defaultLimits)));
    } catch (RuntimeException e) {
      fail(batch, e);
    } finally {
      if (remaining.decrementAndGet() == 0) {
        finishCycle(cycle);
      }
    }
  }

  private static void fail(LogBatch batch, RuntimeException error) {
    for (PendingAppend append : batch.appends) {
      if (append.failure == null) {
        append.failure = error;
      }
    }
  }

  private void finishCycle(List<LogBatch> cycle) {
    cycles.increment();
    for (LogBatch batch : cycle) {
      if (batch.log != null) {
        long highest = batch.log.publish();
        if (batch.log.created() && knownIds.add(batch.persistenceId)) {
          announce(batch.persistenceId);
        }
        wakeWaiters(batch.persistenceId, highest);
      }
    }
    for (LogBatch batch : cycle) {
      for (PendingAppend append : batch.appends) {
        if (append.failure == null) {
          appends.increment();
          for (LogEntry entry : append.entries) {
            entries.increment();
            bytes.add(EntryFormat.entryBytes(entry.payload().remaining()));
          }
          append.future.complete(null);
        } else {
          append.future.completeExceptionally(append.failure);
        }
      }
    }
    cycleRunning.set(false);
    startCycleIfIdle();
  }

  private void announce(String persistenceId) {
    for (Consumer<String> listener : listeners) {
      try {
        listener.accept(persistenceId);
      } catch (RuntimeException e) {
        LOG.warn("New persistence id listener failed: persistenceId={}", persistenceId, e);
      }
    }
  }

  private void forceDirtyLogs() {
    for (SegmentedLog log : logs.values()) {
      try {
        io.execute(
            () -> {
              if (log.forceIfDirty()) {
                forces.increment();
              }
            });
      } catch (RejectedExecutionException e) {
        LOG.warn("Io executor rejected an interval force: persistenceId={}", log.persistenceId());
      }
    }
  }

  /**
   * Committed entries of {@code persistenceId} overlapping [{@code fromSequenceNr}, {@code
   * toSequenceNr}] and above its {@link #deletedTo}, in order: at most {@code maxEntries}, and no
   * more than {@code maxBytes} of payload, except that the first entry found is always returned.
   * Blocking; each payload is a buffer of its own (a slice of a read chunk).
   */
  public List<LogEntry> read(
      String persistenceId, long fromSequenceNr, long toSequenceNr, int maxEntries, int maxBytes) {
    SegmentedLog log = logFor(persistenceId, false);
    return log == null ? List.of() : log.read(fromSequenceNr, toSequenceNr, maxEntries, maxBytes);
  }

  /** The highest committed sequence number, also after it was deleted; 0 for an unknown id. */
  public long highestSequenceNr(String persistenceId) {
    SegmentedLog log = logFor(persistenceId, false);
    return log == null ? 0 : log.highestSequenceNr();
  }

  /** Sequence numbers at or below this are permanently deleted; 0 for an unknown id. */
  public long deletedTo(String persistenceId) {
    SegmentedLog log = logFor(persistenceId, false);
    return log == null ? 0 : log.deletedTo();
  }

  /**
   * Permanently deletes sequence numbers up to {@code toSequenceNr} (capped at the highest). The
   * point is persisted before this returns; whole segments below it are deleted, except the active
   * one. Blocking.
   */
  public void deleteTo(String persistenceId, long toSequenceNr) {
    SegmentedLog log = logFor(persistenceId, false);
    if (log != null) {
      log.deleteTo(toSequenceNr);
    }
  }

  /**
   * Permanently deletes every committed entry of {@code persistenceId} and its segment files, the
   * active one too (unless a write of the id is in flight, whose entries survive), and forgets its
   * segment override and compaction policy. The log's directory and meta file stay: they keep the
   * highest sequence number, so that the id continues above it, as Akka Persistence requires of a
   * journal after deletion. Blocking.
   */
  public void deleteAll(String persistenceId) {
    segmentOverrides.remove(persistenceId);
    compactions.remove(persistenceId);
    SegmentedLog log = logFor(persistenceId, false);
    if (log != null) {
      log.deleteAll();
    }
  }

  /**
   * Overrides {@link LogSettings#segmentBytes()} and {@link LogSettings#segmentAge()} for the log
   * of {@code persistenceId}. Segments already rolled stay as they are; the new limits decide every
   * roll from the next append on, the active segment's included (so it rolls at once if it already
   * passed them). The override lives in memory only: whoever owns the log applies it again after a
   * restart, before appending.
   *
   * <p>{@code segmentBytes} is clamped into [{@link LogSettings#MIN_SEGMENT_BYTES}, {@link
   * Integer#MAX_VALUE}], since index positions are 32-bit; an entry larger than it gets a segment
   * of its own. {@code segmentAge} is clamped to at least a millisecond. Never blocks.
   *
   * @throws IllegalArgumentException for an empty id, {@code segmentBytes <= 0} or a {@code
   *     segmentAge} that is null, zero or negative
   */
  public void configureSegments(String persistenceId, long segmentBytes, Duration segmentAge) {
    if (persistenceId == null || persistenceId.isEmpty()) {
      throw new IllegalArgumentException("persistenceId must not be empty");
    }
    if (segmentBytes <= 0) {
      throw new IllegalArgumentException(
          "segmentBytes=" + segmentBytes + " must be > 0: persistenceId=" + persistenceId);
    }
    if (segmentAge == null || segmentAge.isNegative() || segmentAge.isZero()) {
      throw new IllegalArgumentException(
          "segmentAge=" + segmentAge + " must be > 0: persistenceId=" + persistenceId);
    }
    long bytes = Math.min(Integer.MAX_VALUE, Math.max(LogSettings.MIN_SEGMENT_BYTES, segmentBytes));
    long ageMillis;
    try {
      ageMillis = Math.max(1, segmentAge.toMillis());
    } catch (ArithmeticException tooLong) {
      ageMillis = Long.MAX_VALUE;
    }
    segmentOverrides.put(persistenceId, new SegmentLimits(bytes, ageMillis));
  }

  /**
   * Compacts the log of {@code persistenceId} in the background from now on, by {@code policy} (see
   * {@link Cleaning} for the rules), or stops compacting it when {@code policy} is null. Like
   * segment overrides it lives in memory only: the log's owner applies it again after a restart.
   * Never blocks.
   */
  public void configureCompaction(String persistenceId, CompactionPolicy policy) {
    if (persistenceId == null || persistenceId.isEmpty()) {
      throw new IllegalArgumentException("persistenceId must not be empty");
    }
    if (policy == null) {
      compactions.remove(persistenceId);
    } else if (!policy.equals(compactions.put(persistenceId, policy))) {
      cleaner.wake();
    }
  }

  /**
   * Cleans the log of {@code persistenceId} once now, on the calling thread, whatever its dirty
   * ratio (but never its active segment nor segments younger than {@code min.compaction.lag.ms}),
   * after any pass already running on it. Blocking; for operators, tests and benchmarks.
   *
   * @return what the pass did; empty when there was nothing to clean or the store is closing
   * @throws IllegalStateException when the log has no compaction policy
   */
  public Optional<CleaningResult> clean(String persistenceId) {
    CompactionPolicy policy = compactions.get(persistenceId);
    if (policy == null) {
      throw new IllegalStateException(
          "Log is not compacted: persistenceId=" + persistenceId + ", no compaction policy");
    }
    SegmentedLog log = logFor(persistenceId, false);
    if (log == null) {
      return Optional.empty();
    }
    try {
      return cleaner.clean(new LogCleaner.Target(log, policy, segmentBytes(persistenceId)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LogStorageException(
          "Interrupted while cleaning: persistenceId=" + persistenceId, e);
    }
  }

  private List<LogCleaner.Target> cleanerTargets() {
    List<LogCleaner.Target> targets = new ArrayList<>();
    compactions.forEach(
        (persistenceId, policy) -> {
          SegmentedLog log = logs.get(persistenceId);
          if (log != null) {
            targets.add(new LogCleaner.Target(log, policy, segmentBytes(persistenceId)));
          }
        });
    return targets;
  }

  private long segmentBytes(String persistenceId) {
    return segmentOverrides.getOrDefault(persistenceId, defaultLimits).segmentBytes();
  }

  /**
   * A future completed as soon as the committed highest sequence number of {@code persistenceId}
   * exceeds {@code sequenceNr}: at once if it already does, otherwise by the commit that makes it
   * so. Pending futures fail when the store closes; a cancelled one is dropped at the next commit.
   */
  public CompletableFuture<Void> awaitCommitAfter(String persistenceId, long sequenceNr) {
    CompletableFuture<Void> future = new CompletableFuture<>();
    if (closed) {
      future.completeExceptionally(closedException());
      return future;
    }
    waiters
        .computeIfAbsent(persistenceId, id -> new ConcurrentLinkedQueue<>())
        .add(new Waiter(sequenceNr, future));
    // Checked after registering: a commit in between either sees the waiter or is seen here.
    if (highestSequenceNr(persistenceId) > sequenceNr) {
      future.complete(null);
    }
    return future;
  }

  private void wakeWaiters(String persistenceId, long highest) {
    Queue<Waiter> pending = waiters.get(persistenceId);
    if (pending == null) {
      return;
    }
    pending.removeIf(
        waiter -> {
          if (waiter.sequenceNr() < highest) {
            waiter.future().complete(null);
          }
          return waiter.future().isDone();
        });
  }

  /** Persistence ids with a log on disk or written since the store opened. */
  public Set<String> persistenceIds() {
    if (knownIdsLoaded.compareAndSet(false, true)) {
      knownIds.addAll(idsOnDisk());
    }
    Set<String> ids = new HashSet<>(knownIds);
    ids.addAll(logs.keySet());
    return ids;
  }

  private Set<String> idsOnDisk() {
    Set<String> ids = new HashSet<>();
    try (DirectoryStream<Path> directories = Files.newDirectoryStream(settings.directory())) {
      for (Path directory : directories) {
        if (Files.isRegularFile(directory.resolve(LogMeta.FILE_NAME))) {
          try {
            ids.add(LogMeta.read(directory).persistenceId());
          } catch (LogCorruptionException e) {
            LOG.error("Skipping log with unreadable meta: {}", e.getMessage());
          }
        }
      }
    } catch (IOException e) {
      throw new LogStorageException("Cannot list logs: directory=" + settings.directory(), e);
    }
    return ids;
  }

  /**
   * Registers a listener called (on an io thread) with each persistence id whose log is created
   * from now on, once its first entries are committed. Closing the handle unregisters it.
   */
  public AutoCloseable onNewPersistenceId(Consumer<String> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** The first sequence number still readable (highest + 1 when nothing is). */
  public long logStartSequenceNr(String persistenceId) {
    SegmentedLog log = logFor(persistenceId, false);
    return log == null ? 1 : log.logStartSequenceNr();
  }

  /** Bytes of the segment files of {@code persistenceId}. */
  public long sizeInBytes(String persistenceId) {
    SegmentedLog log = logFor(persistenceId, false);
    return log == null ? 0 : log.sizeInBytes();
  }

  /**
   * The first committed sequence number above {@link #deletedTo} whose entry's timestamp is at
   * least {@code timestampMillis}; empty if there is none.
   */
  public OptionalLong sequenceNrForTimestamp(String persistenceId, long timestampMillis) {
    SegmentedLog log = logFor(persistenceId, false);
    return log == null ? OptionalLong.empty() : log.sequenceNrForTimestamp(timestampMillis);
  }

  /**
   * Deletes whole segments (never the active one) whose every entry is below {@code sequenceNr}.
   */
  public RetentionResult deleteSegmentsBelow(String persistenceId, long sequenceNr) {
    SegmentedLog log = logFor(persistenceId, false);
    return log == null ? new RetentionResult(0, 0, 1) : log.deleteSegmentsBelow(sequenceNr);
  }

  /**
   * Deletes whole segments (never the active one) whose newest entry is older than {@code
   * cutoffMillis}.
   */
  public RetentionResult deleteSegmentsOlderThan(String persistenceId, long cutoffMillis) {
    SegmentedLog log = logFor(persistenceId, false);
    return log == null ? new RetentionResult(0, 0, 1) : log.deleteSegmentsOlderThan(cutoffMillis);
  }

  /**
   * Deletes the oldest whole segments (never the active one) until the log takes at most {@code
   * maxBytes}, as far as that is possible.
   */
  public RetentionResult deleteSegmentsBeyondSize(String persistenceId, long maxBytes) {
    SegmentedLog log = logFor(persistenceId, false);
    return log == null ? new RetentionResult(0, 0, 1) : log.deleteSegmentsBeyondSize(maxBytes);
  }

  /** Counters since the store opened. */
  public LogStats stats() {
    return new LogStats(cycles.sum(), appends.sum(), entries.sum(), bytes.sum(), forces.sum());
  }

  /**
   * Waits for queued appends to be written, then forces every log, writes its indexes and
   * clean-shutdown marker and closes its files. Later calls fail with {@link LogStorageException}.
   */
  @Override
  public void close() {
    closeLock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      closeLock.writeLock().unlock();
    }
    synchronized (idle) {
      while (cycleRunning.get() || !queue.isEmpty()) {
        try {
          idle.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LogStorageException(
              "Interrupted while closing: directory=" + settings.directory(), e);
        }
      }
    }
    if (flusher != null) {
      flusher.shutdownNow();
    }
    cleaner.close();
    LogStorageException failure = null;
    for (SegmentedLog log : logs.values()) {
      try {
        log.close();
      } catch (LogStorageException e) {
        LOG.error(e.getMessage(), e);
        failure = failure == null ? e : failure;
      }
    }
    logs.clear();
    for (Queue<Waiter> pending : waiters.values()) {
      for (Waiter waiter : pending) {
        waiter.future().completeExceptionally(closedException());
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private LogStorageException closedException() {
    return new LogStorageException("Log store closed: directory=" + settings.directory());
  }

  /** The open log of an id; opened (or, with {@code create}, created) on first use. */
  SegmentedLog logFor(String persistenceId, boolean create) {
    SegmentedLog log = logs.get(persistenceId);
    if (log != null) {
      return log;
    }
    if (closed) {
      throw closedException();
    }
    Path directory = settings.directory().resolve(LogFiles.directoryName(persistenceId));
    if (!create && !Files.isDirectory(directory)) {
      return null;
    }
    return logs.computeIfAbsent(persistenceId, id -> SegmentedLog.open(id, directory, settings));
  }
}
