package dev.runnel.bench;

import dev.runnel.persistence.journal.JournalEntryCodec;
import dev.runnel.persistence.journal.JournalEntryCodec.StoredEvent;
import dev.runnel.persistence.journal.RecordBatchEvents;
import dev.runnel.persistence.log.CleanerSettings;
import dev.runnel.persistence.log.CleaningResult;
import dev.runnel.persistence.log.CompactionPolicy;
import dev.runnel.persistence.log.FsyncPolicy;
import dev.runnel.persistence.log.LogEntry;
import dev.runnel.persistence.log.LogStore;
import dev.runnel.persistence.record.RecordBatch;
import dev.runnel.persistence.record.RecordBatchCodec;
import dev.runnel.persistence.serialization.SerializedValue;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The compaction benchmark: a partition-like log (journal entries of record batches, as the
 * partition writes them) of {@code --records} records over {@code --keys} random keys is written,
 * then cleaned by the log cleaner while another thread keeps appending to the same log. It prints
 * the dirty bytes the cleaner processed per second, the log's size before and after, and the append
 * rate during the cleaning.
 */
@Command(
    name = "compaction",
    mixinStandardHelpOptions = true,
    description = "Measures the log cleaner: dirty MB/s cleaned and the space left.")
final class CompactionBenchmark implements Callable<Integer> {

  private static final String ID = "partition|compacted|0";
  private static final int SERIALIZER_ID = 7310;
  private static final String MANIFEST = "B1";
  private static final RecordBatchCodec CODEC = new RecordBatchCodec();

  @Option(
      names = "--dir",
      description = "Directory for the data (on the disk to measure); emptied afterwards.")
  private Path dir = Path.of(System.getProperty("java.io.tmpdir"), "runnel-bench-compaction");

  @Option(names = "--records", description = "Records written (default: ${DEFAULT-VALUE}).")
  private long records = 10_000_000;

  @Option(names = "--keys", description = "Distinct keys (default: ${DEFAULT-VALUE}).")
  private int keys = 100_000;

  @Option(names = "--value-bytes", description = "Value size (default: ${DEFAULT-VALUE}).")
  private int valueBytes = 100;

  @Option(
      names = "--batch-records",
      description = "Records per batch; 10 batches per journal entry (default: ${DEFAULT-VALUE}).")
  private int batchRecords = 100;

  @Option(
      names = "--segment-mib",
      description =
          "Segment size in MiB; the active one is never cleaned (default: ${DEFAULT-VALUE}).")
  private int segmentMib = 32;

  @Option(
      names = "--appends",
      arity = "1",
      description = "Keep appending to the log while it is cleaned (default: ${DEFAULT-VALUE}).")
  private boolean appends = true;

  @Option(
      names = "--append-mb-per-second",
      description =
          "Rate of those appends in MB/s, 0 for as fast as they go (default: ${DEFAULT-VALUE}).")
  private double appendRate = 0;

  @Option(
      names = "--key-map-mib",
      description = "The cleaner's key map in MiB (default: ${DEFAULT-VALUE}).")
  private int keyMapMib = 32;

  @Override
  public Integer call() throws Exception {
    StorageBenchmark.deleteRecursively(dir);
    Files.createDirectories(dir);
    System.out.printf(
        Locale.ROOT,
        "machine: %d cores, java %s; %d records over %d keys, %d-byte values, %d records a"
            + " batch, 10 batches an entry%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        records,
        keys,
        valueBytes,
        batchRecords);
    ExecutorService io = StorageBenchmark.ioExecutor();
    CleanerSettings cleaner =
        new CleanerSettings(
            1, keyMapMib * 1024L * 1024, 1024 * 1024, Long.MAX_VALUE, Duration.ofHours(1));
    try (LogStore store =
        LogStore.open(
            StorageBenchmark.settings(dir, FsyncPolicy.NEVER)
                .withSegmentBytes(segmentMib * 1024 * 1024, 4096),
            cleaner,
            io)) {
      // Ratio 1: the background thread never starts a pass of its own; the benchmark does.
      store.configureCompaction(
          ID,
          new CompactionPolicy(
              new RecordBatchEvents(SERIALIZER_ID, MANIFEST), 0, Long.MAX_VALUE, 1.0, 0));
      Writer writer = new Writer(new SplittableRandom(42));
      long start = System.nanoTime();
      while (writer.offset < records) {
        store.append(ID, List.of(writer.entry())).join();
      }
      double writeSeconds = (System.nanoTime() - start) / 1e9;
      long before = store.sizeInBytes(ID);
      System.out.printf(
          Locale.ROOT,
          "written: %d records, %.1f MB in %.1f s (%.0f MB/s)%n",
          writer.offset,
          before / 1e6,
          writeSeconds,
          before / 1e6 / writeSeconds);
      clean(store, writer, before);
    } finally {
      io.shutdown();
    }
    StorageBenchmark.deleteRecursively(dir);
    return 0;
  }

  /** Cleans the log until the dirty part is done while another thread appends. */
  private void clean(LogStore store, Writer writer, long before) throws Exception {
    AtomicBoolean cleaning = new AtomicBoolean(appends);
    AtomicLong appended = new AtomicLong();
    long appendStart = System.nanoTime();
    CompletableFuture<Void> appends =
        CompletableFuture.runAsync(
            () -> {
              while (cleaning.get()) {
                LogEntry entry = writer.entry();
                store.append(ID, List.of(entry)).join();
                long bytes = appended.addAndGet(entry.payload().remaining());
                if (appendRate > 0) {
                  long due = appendStart + (long) (bytes / (appendRate * 1e6) * 1e9);
                  LockSupport.parkNanos(due - System.nanoTime());
                }
              }
            });
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpuStart = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    long dirty = 0;
    long bytesBefore = 0;
    long bytesAfter = 0;
    long recordsRead = 0;
    long recordsKept = 0;
    int passes = 0;
    Optional<CleaningResult> result;
    do {
      result = store.clean(ID);
      if (result.isPresent()) {
        CleaningResult pass = result.get();
        passes++;
        dirty += pass.dirtyBytes();
        bytesBefore += pass.bytesBefore();
        bytesAfter += pass.bytesAfter();
        recordsRead += pass.recordsRead();
        recordsKept += pass.recordsKept();
        System.out.printf(Locale.ROOT, "  pass %d: %s%n", passes, pass);
      }
    } while (result.isPresent() && result.get().mapFull());
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
    cleaning.set(false);
    appends.join();
    System.out.printf(
        Locale.ROOT,
        "cleaned: %d passes, %.1f MB dirty in %.1f s = %.0f MB/s of dirty log (cleaner thread"
            + " on a core %.1f s: %.0f MB per CPU second); segments %.1f MB -> %.1f MB; records"
            + " %d -> %d%n",
        passes,
        dirty / 1e6,
        seconds,
        dirty / 1e6 / seconds,
        cpuSeconds,
        dirty / 1e6 / cpuSeconds,
        bytesBefore / 1e6,
        bytesAfter / 1e6,
        recordsRead,
        recordsKept);
    System.out.printf(
        Locale.ROOT,
        "log: %.1f MB before, %.1f MB after (with %.1f MB appended meanwhile, %.0f MB/s)%n",
        before / 1e6,
        store.sizeInBytes(ID) / 1e6,
        appended.get() / 1e6,
        appended.get() / 1e6 / seconds);
  }

  /** Journal entries of 10 record batches of random keys, as a partition stores them. */
  private final class Writer {
    private final SplittableRandom random;
    private final byte[] value;
    long sequenceNr = 1;
    long offset;

    Writer(SplittableRandom random) {
      this.random = random;
      this.value = Payloads.random(valueBytes);
    }

    synchronized LogEntry entry() {
      long timestamp = System.currentTimeMillis() - 3_600_000;
      long first = sequenceNr;
      List<StoredEvent> events = new ArrayList<>(10);
      for (int b = 0; b < 10; b++) {
        RecordBatch.Builder batch = RecordBatch.builder(offset);
        for (int r = 0; r < batchRecords; r++) {
          String key = "key-" + random.nextInt(keys);
          batch.add(timestamp, key.getBytes(StandardCharsets.UTF_8), value);
        }
        offset += batchRecords;
        events.add(
            new StoredEvent(
                sequenceNr++,
                timestamp,
                "bench",
                "",
                SerializedValue.of(SERIALIZER_ID, MANIFEST, CODEC.encode(batch.build())),
                null));
      }
      return new LogEntry(first, events.size(), timestamp, JournalEntryCodec.encodeEvents(events));
    }
  }
}
