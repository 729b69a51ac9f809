package dev.runnel.bench;

import dev.runnel.persistence.log.FsyncPolicy;
import dev.runnel.persistence.log.LogEntry;
import dev.runnel.persistence.log.LogSettings;
import dev.runnel.persistence.log.LogStore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;

/**
 * A separate JVM that fills one log for the recovery benchmark. In {@code clean} mode it closes the
 * store and exits; in {@code crash} mode it announces the target size and goes on writing until the
 * benchmark kills it with SIGKILL, so recovery finds a real crashed log, possibly torn mid-entry.
 */
public final class LogFiller {

  static final String FILLED = "FILLED";
  private static final int ENTRY_EVENTS = 100;
  private static final int EVENT_BYTES = 100;
  private static final int IN_FLIGHT = 32;

  /** More than the engine's per-entry header. */
  private static final int ENTRY_OVERHEAD_BOUND = 64;

  private static final long TOP_UP_BYTES = 4 << 20;

  private LogFiller() {}

  private static CompletableFuture<Void> append(
      LogStore store, String pid, long seq, ByteBuffer payload) {
    return store.append(
        pid,
        List.of(new LogEntry(seq, ENTRY_EVENTS, System.currentTimeMillis(), payload.duplicate())));
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String pid = args[1];
    long targetBytes = Long.parseLong(args[2]);
    boolean crash = args[3].equals("crash");
    ExecutorService io = StorageBenchmark.ioExecutor();
    LogSettings settings = StorageBenchmark.settings(dir, FsyncPolicy.NEVER);
    LogStore store = LogStore.open(settings, io);
    ByteBuffer payload = ByteBuffer.wrap(Payloads.random(ENTRY_EVENTS * EVENT_BYTES));
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    long seq = 1;
    CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
    // Fill fast with many appends in flight, then top up one by one so that the log ends just
    // below the target. A segment rolls when the next entry would not fit, so each holds up to one
    // entry less than segment-bytes: leave that much room per segment, and a target that is a
    // multiple of segment-bytes ends with a full last segment, the worst case for crash recovery.
    long entryBound = payload.remaining() + ENTRY_OVERHEAD_BOUND;
    long fillTo = targetBytes - (targetBytes / settings.segmentBytes() + 1) * entryBound;
    while (store.sizeInBytes(pid) < fillTo - TOP_UP_BYTES) {
      inFlight.acquire();
      last = append(store, pid, seq, payload).whenComplete((ok, error) -> inFlight.release());
      seq += ENTRY_EVENTS;
    }
    last.join();
    while (store.sizeInBytes(pid) + entryBound <= fillTo) {
      append(store, pid, seq, payload).join();
      seq += ENTRY_EVENTS;
    }
    if (!crash) {
      store.close();
      io.shutdown();
      System.out.println(FILLED);
      return;
    }
    System.out.println(FILLED);
    System.out.flush();
    while (true) {
      inFlight.acquire();
      store
          .append(
              pid,
              List.of(
                  new LogEntry(seq, ENTRY_EVENTS, System.currentTimeMillis(), payload.duplicate())))
          .whenComplete((ok, error) -> inFlight.release());
      seq += ENTRY_EVENTS;
    }
  }
}
