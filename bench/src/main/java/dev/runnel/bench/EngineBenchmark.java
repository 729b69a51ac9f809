package dev.runnel.bench;

import dev.runnel.persistence.log.LogEntry;
import dev.runnel.persistence.log.LogStore;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Appends to and replays from a {@link LogStore} directly: the storage engine without Akka. Each
 * entry holds {@code batch} events of {@code eventBytes}, as the journal stores one atomic write.
 */
final class EngineBenchmark {

  private EngineBenchmark() {}

  /**
   * {@code writers} persistence ids append at once for {@code seconds}, each with one write in
   * flight at a time, the way an event-sourced entity waits for its persist to be acknowledged.
   */
  static Throughput append(
      LogStore store,
      String pidPrefix,
      int writers,
      int batch,
      int eventBytes,
      double seconds,
      ExecutorService driver)
      throws InterruptedException {
    ByteBuffer payload = ByteBuffer.wrap(Payloads.random(batch * eventBytes));
    AtomicLong events = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(writers);
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    for (int w = 0; w < writers; w++) {
      String writerPid = pidPrefix + "-" + writers + "-" + batch + "-" + w;
      new Object() {
        final String pid = writerPid;
        long nextSeq = 1;

        void next() {
          if (System.nanoTime() >= deadline || failure.get() != null) {
            done.countDown();
            return;
          }
          LogEntry entry =
              new LogEntry(nextSeq, batch, System.currentTimeMillis(), payload.duplicate());
          store
              .append(pid, List.of(entry))
              .whenCompleteAsync(
                  (ok, error) -> {
                    if (error != null) {
                      failure.compareAndSet(null, error);
                    } else {
                      nextSeq += batch;
                      events.addAndGet(batch);
                    }
                    next();
                  },
                  driver);
        }
      }.next();
    }
    if (!done.await((long) seconds + 120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("append run did not finish: writers=" + writers);
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (failure.get() != null) {
      throw new IllegalStateException("append failed", failure.get());
    }
    return new Throughput(events.get(), events.get() * eventBytes, elapsed);
  }

  /** Reads one persistence id from its first entry to its last, in chunks. */
  static Throughput replay(LogStore store, String pid) {
    long start = System.nanoTime();
    long events = 0;
    long bytes = 0;
    long from = 1;
    while (true) {
      List<LogEntry> chunk = store.read(pid, from, Long.MAX_VALUE, 4096, 4 << 20);
      if (chunk.isEmpty()) {
        break;
      }
      for (LogEntry entry : chunk) {
        events += entry.count();
        bytes += entry.payload().remaining();
      }
      from = chunk.get(chunk.size() - 1).lastSequenceNr() + 1;
    }
    return new Throughput(events, bytes, (System.nanoTime() - start) / 1e9);
  }
}
