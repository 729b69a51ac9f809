package dev.runnel.persistence.journal;

import dev.runnel.persistence.journal.CompactedLogs.Put;
import dev.runnel.persistence.journal.CompactedLogs.Writer;
import dev.runnel.persistence.log.CleanerSettings;
import dev.runnel.persistence.log.FsyncPolicy;
import dev.runnel.persistence.log.LogEntry;
import dev.runnel.persistence.log.LogSettings;
import dev.runnel.persistence.log.LogStore;
import dev.runnel.persistence.record.CompressionCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs in its own JVM for {@link CompactionCrashTest}: appends a deterministic keyed log (entry
 * {@code s} is always the same, see {@link #entry}) and cleans it over and over with a small key
 * map, so that cleaning is almost always in progress, until the test kills the JVM with SIGKILL.
 * After every pass it appends "cleaned" and after every acknowledged append "acked highestSeqNr" to
 * a side file. Under {@code fsync = never}: a SIGKILL loses nothing the OS was given, and the
 * cleaner forces what its swap protocol needs itself.
 */
public final class CompactingLogWriter {

  static final String ID = "partition|crash|0";
  static final int KEYS = 200;

  private CompactingLogWriter() {}

  static LogSettings settings(Path dir) {
    return new LogSettings(
        dir, 8192, Duration.ofDays(7), 512, FsyncPolicy.NEVER, Duration.ofMillis(20), 4096);
  }

  /** Entry {@code sequenceNr} of the log, the same in every JVM; updates the writer's model. */
  static LogEntry entry(Writer writer, long sequenceNr, long timestamp) {
    Random random = new Random(sequenceNr * 7919);
    List<Put> puts = new ArrayList<>();
    int records = 1 + random.nextInt(6);
    for (int i = 0; i < records; i++) {
      String key = "key-" + random.nextInt(KEYS);
      puts.add(new Put(key, random.nextInt(8) == 0 ? null : key + "@" + sequenceNr + "." + i));
    }
    CompressionCodec codec = random.nextBoolean() ? CompressionCodec.LZ4 : CompressionCodec.NONE;
    return writer.entry(List.of(puts), timestamp, codec);
  }

  /** The model of the first {@code highest} entries. */
  static Writer replay(long highest) {
    Writer writer = new Writer(ID);
    for (long s = 1; s <= highest; s++) {
      entry(writer, s, 0);
    }
    return writer;
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    FileChannel progress =
        FileChannel.open(
            Path.of(args[1]),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
    LogStore store =
        LogStore.open(
            settings(dir),
            new CleanerSettings(1, 100 * 24, 64 * 1024, Long.MAX_VALUE, Duration.ofHours(1)),
            Executors.newFixedThreadPool(2));
    store.configureCompaction(ID, CompactedLogs.policy(0.0, 0));
    Writer writer = replay(store.highestSequenceNr(ID));
    Thread cleaner =
        new Thread(
            () -> {
              while (true) {
                if (store.clean(ID).isPresent()) {
                  write(progress, "cleaned\n");
                } else {
                  LockSupport.parkNanos(1_000_000);
                }
              }
            });
    cleaner.start();
    long timestamp = System.currentTimeMillis() - 60_000;
    while (true) {
      long sequenceNr = writer.nextSequenceNr;
      store.append(ID, List.of(entry(writer, sequenceNr, timestamp))).join();
      write(progress, "acked " + sequenceNr + "\n");
    }
  }

  private static void write(FileChannel file, String line) {
    try {
      file.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
