package dev.runnel.persistence.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Helpers shared by the log tests. */
final class LogTesting {

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private LogTesting() {}

  /** Small segments and a dense index so that tests roll and index a lot. */
  static LogSettings smallSettings(Path directory, FsyncPolicy policy) {
    return new LogSettings(
        directory, 4096, Duration.ofDays(7), 256, policy, Duration.ofMillis(20), 2048);
  }

  static LogEntry entry(long sequenceNr, String payload) {
    return entry(sequenceNr, 1, 1_000 + sequenceNr, payload);
  }

  static LogEntry entry(long firstSequenceNr, int count, long timestamp, String payload) {
    return new LogEntry(
        firstSequenceNr,
        count,
        timestamp,
        ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)));
  }

  static String text(ByteBuffer payload) {
    return StandardCharsets.UTF_8.decode(payload.duplicate()).toString();
  }

  static String payloadFor(long sequenceNr) {
    return "event-" + sequenceNr + "-" + "x".repeat((int) (sequenceNr * 7 % 61));
  }

  /** Appends {@code from..to}, one entry and one append each, and waits for every append. */
  static void appendEach(LogStore store, String persistenceId, long from, long to) {
    for (long seq = from; seq <= to; seq++) {
      await(store.append(persistenceId, List.of(entry(seq, payloadFor(seq)))));
    }
  }

  /** The sequence numbers {@code from..to}; none when {@code to < from}. */
  static long[] range(long from, long to) {
    long[] sequenceNrs = new long[(int) Math.max(0, to - from + 1)];
    for (int i = 0; i < sequenceNrs.length; i++) {
      sequenceNrs[i] = from + i;
    }
    return sequenceNrs;
  }

  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (ExecutionException e) {
      throw new AssertionError("future failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("future not completed within " + TIMEOUT, e);
    }
  }

  static Throwable awaitFailure(CompletableFuture<?> future) {
    try {
      future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("future not completed within " + TIMEOUT, e);
    }
    return fail("future succeeded but should have failed");
  }

  /** Polls {@code condition} until it holds or the deadline passes. */
  static void awaitCondition(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("condition not met within " + TIMEOUT + ": " + what);
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  /** The segment files ({@code *.log}) in a log's directory, by name; none if it is missing. */
  static List<Path> segmentFiles(Path logDirectory) {
    if (!Files.isDirectory(logDirectory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(logDirectory)) {
      return files.filter(file -> file.toString().endsWith(LogFiles.LOG_SUFFIX)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asserts that {@code entries} are exactly the sequence numbers given, with their payloads. */
  static void assertEntries(List<LogEntry> entries, long... sequenceNrs) {
    assertEquals(
        sequenceNrs.length,
        entries.size(),
        () -> "entries " + entries.stream().map(LogEntry::firstSequenceNr).toList());
    for (int i = 0; i < sequenceNrs.length; i++) {
      assertEquals(sequenceNrs[i], entries.get(i).firstSequenceNr());
      assertEquals(payloadFor(sequenceNrs[i]), text(entries.get(i).payload()));
    }
  }
}
