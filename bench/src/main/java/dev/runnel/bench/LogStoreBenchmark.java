package dev.runnel.bench;

import dev.runnel.persistence.log.FsyncPolicy;
import dev.runnel.persistence.log.LogEntry;
import dev.runnel.persistence.log.LogSettings;
import dev.runnel.persistence.log.LogStats;
import dev.runnel.persistence.log.LogStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * Throughput and open-time benchmark of the storage engine, run as a plain program: {@code
 * LogStoreBenchmark <scratch directory> [megabytes]}. It measures appends and replay of 100-byte
 * entries with fsync=never, group commit of single-entry appends from 1 to 64 writers with
 * fsync=always, and the time to open a large log after a clean close and after a crash.
 */
public final class LogStoreBenchmark {

  private static final int PAYLOAD_BYTES = 100;
  private static final int EVENTS_PER_APPEND = 1000;
  private static final int EVENTS_PER_BATCH = 100;
  private static final int APPENDS_IN_FLIGHT = 8;

  private LogStoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path scratch = Path.of(args[0]);
    long megabytes = args.length > 1 ? Long.parseLong(args[1]) : 1024;
    ExecutorService io = Executors.newFixedThreadPool(4);
    try {
      // A first, smaller round lets the JIT compile the hot paths before measuring.
      appendAndReplay(scratch.resolve("warm-up"), Math.min(megabytes, 256), 1, io);
      appendAndReplay(scratch.resolve("single"), megabytes, 1, io);
      appendAndReplay(scratch.resolve("batched"), megabytes, EVENTS_PER_BATCH, io);
      groupCommit(scratch.resolve("group"), io);
    } finally {
      io.shutdownNow();
      for (String created : List.of("warm-up", "single", "batched", "group")) {
        delete(scratch.resolve(created));
      }
    }
  }

  /**
   * Appends {@code megabytes} of 100-byte events, {@code eventsPerEntry} of them in each entry (one
   * entry per event, or record batches of events as the journal stores them), 1000 events per
   * append call, 8 calls in flight; then replays them.
   */
  private static void appendAndReplay(
      Path root, long megabytes, int eventsPerEntry, ExecutorService io) throws IOException {
    LogSettings settings = LogSettings.defaults(root).withFsyncPolicy(FsyncPolicy.NEVER);
    int entryBytes = PAYLOAD_BYTES * eventsPerEntry;
    int entriesPerAppend = EVENTS_PER_APPEND / eventsPerEntry;
    long events = megabytes * 1024 * 1024 / PAYLOAD_BYTES;
    ByteBuffer payload = ByteBuffer.allocate(entryBytes);
    String what = eventsPerEntry + " event(s) of " + PAYLOAD_BYTES + " B per entry";
    String id = "bench";
    LogStore store = LogStore.open(settings, io);
    long start = System.nanoTime();
    ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
    long seq = 1;
    while (seq <= events) {
      List<LogEntry> batch = new ArrayList<>(entriesPerAppend);
      long now = System.currentTimeMillis();
      for (int i = 0; i < entriesPerAppend; i++, seq += eventsPerEntry) {
        batch.add(new LogEntry(seq, eventsPerEntry, now, payload));
      }
      inFlight.add(store.append(id, batch));
      if (inFlight.size() >= APPENDS_IN_FLIGHT) {
        inFlight.poll().join();
      }
    }
    inFlight.forEach(CompletableFuture::join);
    report("append fsync=never, " + what, seq - 1, System.nanoTime() - start, store.stats());

    start = System.nanoTime();
    long read = 0;
    long from = 1;
    while (from < seq) {
      List<LogEntry> chunk = store.read(id, from, Long.MAX_VALUE, 10_000, 4 * 1024 * 1024);
      for (LogEntry entry : chunk) {
        read += entry.count();
      }
      from = chunk.get(chunk.size() - 1).lastSequenceNr() + 1;
    }
    report("replay, " + what, read, System.nanoTime() - start, null);
    store.close();

    start = System.nanoTime();
    store = LogStore.open(settings, io);
    long highest = store.highestSequenceNr(id);
    System.out.printf(
        "open %d MiB after clean close: %d ms (highest %d)%n",
        store.sizeInBytes(id) >> 20, (System.nanoTime() - start) / 1_000_000, highest);
    store.close();
    Files.delete(root.resolve(id).resolve("clean-shutdown"));
    start = System.nanoTime();
    store = LogStore.open(settings, io);
    highest = store.highestSequenceNr(id);
    System.out.printf(
        "open %d MiB after crash: %d ms (highest %d)%n",
        store.sizeInBytes(id) >> 20, (System.nanoTime() - start) / 1_000_000, highest);
    store.close();
  }

  private static void groupCommit(Path root, ExecutorService io) throws Exception {
    for (int writers : new int[] {1, 4, 16, 64}) {
      LogSettings settings =
          LogSettings.defaults(root.resolve("w" + writers)).withFsyncPolicy(FsyncPolicy.ALWAYS);
      LogStore store = LogStore.open(settings, io);
      int perWriter = 4000 / writers;
      List<Thread> threads = new ArrayList<>();
      long start = System.nanoTime();
      for (int w = 0; w < writers; w++) {
        String id = "writer-" + w;
        Thread thread =
            new Thread(
                () -> {
                  ByteBuffer payload = ByteBuffer.allocate(PAYLOAD_BYTES);
                  for (int i = 1; i <= perWriter; i++) {
                    store.append(id, List.of(new LogEntry(i, 1, 0, payload))).join();
                  }
                });
        threads.add(thread);
        thread.start();
      }
      for (Thread thread : threads) {
        thread.join();
      }
      report(
          "group commit fsync=always writers=" + writers,
          (long) perWriter * writers,
          System.nanoTime() - start,
          store.stats());
      store.close();
    }
  }

  private static void report(String what, long events, long nanos, LogStats stats) {
    double seconds = nanos / 1e9;
    System.out.printf(
        "%s: %d events in %.2f s = %.0f events/s, %.1f MB/s of payload%s%n",
        what,
        events,
        seconds,
        events / seconds,
        events * (double) PAYLOAD_BYTES / seconds / 1e6,
        stats == null
            ? ""
            : String.format(
                " (cycles %d, appends/cycle %.1f, forces %d)",
                stats.cycles(), stats.appendsPerCycle(), stats.forces()));
  }

  private static void delete(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }
}
