package dev.runnel.persistence.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background cleaner of a {@link LogStore}: {@link CleanerSettings#threads()} daemon threads,
 * started when the first log gets a {@link CompactionPolicy}, each repeatedly cleaning the dirtiest
 * compacted log above its {@code min.cleanable.dirty.ratio} (or past its {@code
 * max.compaction.lag.ms}) with one {@link Cleaning} pass, and waiting {@link
 * CleanerSettings#backoff()} when none is.
 *
 * <p>Bounded resources: a fixed pool of {@code threads} key maps and io buffers, allocated once; a
 * forced {@link #clean} borrows one from the same pool (and so may wait for it). All I/O goes
 * through one shared {@link Throttle}. A log is cleaned by one pass at a time.
 *
 * <p>A pass that fails is logged and its log left alone for one backoff; its cleaned file is
 * discarded and the log stays as it was. Closing stops the threads at the next entry they read
 * (never by interrupting them: that would close the segment files they share with readers).
 *
 * <p>Thread-safe.
 */
final class LogCleaner implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

  /** A compacted log as the store knows it now. */
  record Target(SegmentedLog log, CompactionPolicy policy, long segmentBytes) {}

  /** One thread's worth of memory: a key map and an io buffer. */
  private record Resources(KeyMap map, ByteBuffer buffer) {}

  private final CleanerSettings settings;
  private final Supplier<List<Target>> targets;
  private final Throttle throttle;
  private final BlockingQueue<Resources> pool;
  private final Set<SegmentedLog> busy = new HashSet<>();
  private final Map<SegmentedLog, Long> failedUntil = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopped;

  LogCleaner(CleanerSettings settings, Supplier<List<Target>> targets) {
    this.settings = settings;
    this.targets = targets;
    this.throttle = new Throttle(settings.maxIoBytesPerSecond());
    this.pool = new ArrayBlockingQueue<>(settings.threads());
  }

  /** Starts the threads if they are not running, or wakes them to look for dirty logs now. */
  synchronized void wake() {
    if (start()) {
      threads.forEach(LockSupport::unpark);
    }
  }

  /** Starts the threads and allocates the pool if not done yet; false once closed. */
  private synchronized boolean start() {
    if (stopped) {
      return false;
    }
    if (threads.isEmpty()) {
      for (int i = 0; i < settings.threads(); i++) {
        pool.add(
            new Resources(
                new KeyMap(settings.keyMapBytes()),
                ByteBuffer.allocateDirect(settings.ioBufferBytes())));
        Thread thread = new Thread(this::loop, "runnel-log-cleaner-" + i);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
      }
    }
    return true;
  }

  /**
   * Runs one pass over {@code target} now on the calling thread, whatever its dirty ratio, after
   * waiting for a pass already running on it and for free resources.
   *
   * @return what it did; empty when there was nothing to clean or the store is closing
   */
  Optional<CleaningResult> clean(Target target) throws InterruptedException {
    if (!start()) {
      return Optional.empty();
    }
    synchronized (this) {
      while (busy.contains(target.log())) {
        wait();
      }
      busy.add(target.log());
    }
    try {
      return Optional.ofNullable(pass(target, true));
    } catch (Cleaning.Abandoned e) {
      return Optional.empty();
    } finally {
      release(target.log());
    }
  }

  private void loop() {
    while (!stopped) {
      Target target = dirtiest();
      if (target == null) {
        LockSupport.parkNanos(this, settings.backoff().toNanos());
        continue;
      }
      try {
        pass(target, false);
      } catch (Cleaning.Abandoned e) {
        LOG.debug(
            "Cleaning abandoned: persistenceId={}, reason={}",
            target.log().persistenceId(),
            e.getMessage());
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        failedUntil.put(target.log(), System.nanoTime() + settings.backoff().toNanos());
        LOG.error(
            "Cleaning failed, the log stays as it was and is tried again after the backoff:"
                + " persistenceId={}",
            target.log().persistenceId(),
            e);
      } finally {
        release(target.log());
      }
    }
  }

  /** Claims the dirtiest log that is due, or null. */
  private synchronized Target dirtiest() {
    long now = System.currentTimeMillis();
    long nanos = System.nanoTime();
    Target best = null;
    double bestRatio = -1;
    for (Target target : targets.get()) {
      Long until = failedUntil.get(target.log());
      if (busy.contains(target.log()) || (until != null && until - nanos > 0)) {
        continue;
      }
      double ratio = Cleaning.dirtyRatio(target.log(), target.policy(), now);
      if (ratio >= target.policy().minCleanableDirtyRatio() && ratio > bestRatio) {
        best = target;
        bestRatio = ratio;
      }
    }
    if (best != null) {
      failedUntil.remove(best.log());
      busy.add(best.log());
    }
    return best;
  }

  private synchronized void release(SegmentedLog log) {
    busy.remove(log);
    notifyAll();
  }

  private CleaningResult pass(Target target, boolean force)
      throws Cleaning.Abandoned, InterruptedException {
    Resources resources = pool.take();
    try {
      CleaningResult result =
          new Cleaning(
                  target.log(),
                  target.policy(),
                  resources.map(),
                  throttle,
                  resources.buffer(),
                  target.segmentBytes(),
                  () -> stopped)
              .run(System.currentTimeMillis(), force);
      if (result != null) {
        LOG.debug("Cleaned: persistenceId={}, {}", target.log().persistenceId(), result);
      }
      return result;
    } catch (IOException e) {
      throw new LogStorageException(
          "Cleaning failed: persistenceId=" + target.log().persistenceId(), e);
    } finally {
      pool.add(resources);
    }
  }

  /** Stops the threads after the entry each is at, and waits for them. */
  @Override
  public void close() {
    List<Thread> running;
    synchronized (this) {
      stopped = true;
      running = new ArrayList<>(threads);
    }
    running.forEach(LockSupport::unpark);
    for (Thread thread : running) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
