package dev.runnel.bench;

import dev.runnel.persistence.log.FsyncPolicy;
import dev.runnel.persistence.log.LogEntry;
import dev.runnel.persistence.log.LogSettings;
import dev.runnel.persistence.log.LogStats;
import dev.runnel.persistence.log.LogStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The storage benchmark: append and replay throughput of the embedded storage, on the engine alone
 * and through the Akka journal, with {@code fsync = never} and {@code always}, for 100-byte events
 * in atomic writes of 100 and of 1, with 1, 8 and 64 persistence ids writing at once; the synced
 * write rate of {@code dd} in the same directory; and the recovery time of a 1 GiB log after a
 * clean shutdown and after SIGKILL.
 */
@Command(
    name = "storage",
    mixinStandardHelpOptions = true,
    description = "Measures the embedded segmented-log storage and its Akka journal.")
final class StorageBenchmark implements Callable<Integer> {

  private static final int EVENT_BYTES = 100;
  private static final int[] BATCHES = {100, 1};

  @Option(
      names = "--dir",
      description = "Directory for the data (on the disk to measure); emptied afterwards.")
  private Path dir = Path.of(System.getProperty("java.io.tmpdir"), "runnel-bench");

  @Option(
      names = "--seconds",
      description = "Duration of each append run (default: ${DEFAULT-VALUE}).")
  private double seconds = 5;

  @Option(
      names = "--writers",
      split = ",",
      description = "Numbers of persistence ids writing at once (default: ${DEFAULT-VALUE}).")
  private List<Integer> writers = List.of(1, 8, 64);

  @Option(
      names = "--recovery-mib",
      description = "Size of the log whose recovery is timed, in MiB (default: ${DEFAULT-VALUE}).")
  private long recoveryMib = 1024;

  @Option(names = "--layer", description = "engine, journal or both (default: ${DEFAULT-VALUE}).")
  private String layer = "both";

  static LogSettings settings(Path dir, FsyncPolicy fsync) {
    return LogSettings.defaults(dir).withFsyncPolicy(fsync);
  }

  static ExecutorService ioExecutor() {
    return Executors.newFixedThreadPool(
        16,
        task -> {
          Thread thread = new Thread(task, "bench-io");
          thread.setDaemon(true);
          return thread;
        });
  }

  @Override
  public Integer call() throws Exception {
    deleteRecursively(dir);
    Files.createDirectories(dir);
    System.out.printf(
        Locale.ROOT,
        "machine: %d cores, java %s, %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    baseline();
    if (layer.equals("engine") || layer.equals("both")) {
      engine();
    }
    if (layer.equals("journal") || layer.equals("both")) {
      journal();
    }
    recovery();
    deleteRecursively(dir);
    return 0;
  }

  private void baseline() throws Exception {
    for (int batch : BATCHES) {
      int size = batch * EVENT_BYTES;
      double writes = SyncedWriteBaseline.writesPerSecond(dir, size, 2000);
      System.out.printf(
          Locale.ROOT,
          "dd oflag=dsync bs=%d: %.0f writes/s = %.0f events/s, %.1f MB/s (half: %.0f events/s)%n",
          size,
          writes,
          writes * batch,
          writes * size / 1e6,
          writes * batch / 2);
    }
  }

  private void engine() throws Exception {
    ExecutorService driver = Executors.newSingleThreadExecutor();
    for (FsyncPolicy fsync : List.of(FsyncPolicy.NEVER, FsyncPolicy.ALWAYS)) {
      Path data = dir.resolve("engine-" + fsync);
      ExecutorService io = ioExecutor();
      try (LogStore store = LogStore.open(settings(data, fsync), io)) {
        for (int batch : BATCHES) {
          for (int n : writers) {
            LogStats before = store.stats();
            Throughput append =
                EngineBenchmark.append(store, "e", n, batch, EVENT_BYTES, seconds, driver);
            LogStats after = store.stats();
            Throughput replay = EngineBenchmark.replay(store, "e-" + n + "-" + batch + "-0");
            print("engine", fsync.name().toLowerCase(Locale.ROOT), batch, n, append, replay);
            System.out.printf(
                Locale.ROOT,
                "        group commit: %.1f appends per write cycle%n",
                (double) (after.appends() - before.appends()) / (after.cycles() - before.cycles()));
          }
        }
      } finally {
        io.shutdown();
      }
      deleteRecursively(data);
    }
    driver.shutdown();
  }

  private void journal() throws Exception {
    for (String fsync : List.of("never", "always")) {
      Path data = dir.resolve("journal-" + fsync);
      try (JournalBenchmark journal = new JournalBenchmark(data, fsync)) {
        for (int batch : BATCHES) {
          for (int n : writers) {
            Throughput append = journal.append("j", n, batch, EVENT_BYTES, seconds);
            Throughput replay = journal.replay("j-" + n + "-" + batch + "-0", EVENT_BYTES);
            print("journal", fsync, batch, n, append, replay);
          }
        }
      }
      deleteRecursively(data);
    }
  }

  private static void print(
      String layer, String fsync, int batch, int writers, Throughput append, Throughput replay) {
    System.out.printf(
        Locale.ROOT,
        "%-7s fsync=%-6s batch=%-3d writers=%-2d append %,10.0f events/s %7.1f MB/s"
            + " | replay of one id %,10.0f events/s %7.1f MB/s%n",
        layer,
        fsync,
        batch,
        writers,
        append.eventsPerSecond(),
        append.megabytesPerSecond(),
        replay.eventsPerSecond(),
        replay.megabytesPerSecond());
  }

  private void recovery() throws Exception {
    warmUpRecovery();
    for (String mode : List.of("clean", "crash")) {
      Path data = dir.resolve("recovery-" + mode);
      fill(data, mode);
      ExecutorService io = ioExecutor();
      long start = System.nanoTime();
      try (LogStore store = LogStore.open(settings(data, FsyncPolicy.NEVER), io)) {
        long highest = store.highestSequenceNr("recovery");
        double millis = (System.nanoTime() - start) / 1e6;
        System.out.printf(
            Locale.ROOT,
            "recovery after %s shutdown of a %.0f MiB log, last segment %.0f MiB: %.0f ms"
                + " (highest sequence nr %d)%n",
            mode,
            store.sizeInBytes("recovery") / 1048576.0,
            lastSegmentBytes(data) / 1048576.0,
            millis,
            highest);
      } finally {
        io.shutdown();
      }
      deleteRecursively(data);
    }
  }

  /** Opens and reopens a small log first, so that class loading and JIT are not timed. */
  private void warmUpRecovery() throws IOException {
    Path data = dir.resolve("recovery-warm-up");
    ExecutorService io = ioExecutor();
    for (int round = 0; round < 3; round++) {
      try (LogStore store = LogStore.open(settings(data, FsyncPolicy.NEVER), io)) {
        long next = store.highestSequenceNr("warm-up") + 1;
        store
            .append(
                "warm-up",
                List.of(
                    new LogEntry(next, 1, System.currentTimeMillis(), ByteBuffer.allocate(100))))
            .join();
      }
    }
    io.shutdown();
    deleteRecursively(data);
  }

  /** Fills a log in a child JVM; in crash mode the child is killed with SIGKILL mid-write. */
  private void fill(Path data, String mode) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                LogFiller.class.getName(),
                data.toString(),
                "recovery",
                Long.toString(recoveryMib << 20),
                mode)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      if (!LogFiller.FILLED.equals(line)) {
        child.destroyForcibly();
        throw new IOException("log filler failed: first line=" + line);
      }
      if (mode.equals("crash")) {
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
      }
      int exit = child.waitFor();
      if (mode.equals("clean") && exit != 0) {
        throw new IOException("log filler failed: exit=" + exit);
      }
    }
  }

  /** Size of the newest segment file: the one recovery scans after a crash. */
  private static long lastSegmentBytes(Path data) throws IOException {
    try (Stream<Path> files = Files.walk(data)) {
      Path last =
          files
              .filter(p -> p.getFileName().toString().endsWith(".log"))
              .max(Comparator.comparing(p -> p.getFileName().toString()))
              .orElseThrow();
      return Files.size(last);
    }
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
