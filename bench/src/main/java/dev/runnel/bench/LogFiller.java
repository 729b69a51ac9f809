package dev.runnel.bench;

import dev.runnel.persistence.log.FsyncPolicy;
import dev.runnel.persistence.log.LogEntry;
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

  private LogFiller() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String pid = args[1];
    long targetBytes = Long.parseLong(args[2]);
    boolean crash = args[3].equals("crash");
    ExecutorService io = StorageBenchmark.ioExecutor();
    LogStore store = LogStore.open(StorageBenchmark.settings(dir, FsyncPolicy.NEVER), io);
    ByteBuffer payload = ByteBuffer.wrap(Payloads.random(ENTRY_EVENTS * EVENT_BYTES));
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    long written = 0;
    long seq = 1;
    CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
    while (written < targetBytes) {
      inFlight.acquire();
      last =
          store
              .append(
                  pid,
                  List.of(
                      new LogEntry(
                          seq, ENTRY_EVENTS, System.currentTimeMillis(), payload.duplicate())))
              .whenComplete((ok, error) -> inFlight.release());
      seq += ENTRY_EVENTS;
      written += payload.remaining();
    }
    last.join();
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
