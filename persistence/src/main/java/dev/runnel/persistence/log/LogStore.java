package dev.runnel.persistence.log;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** API outline; the storage engine fills it in. */
public final class LogStore implements AutoCloseable {

  public static LogStore open(LogSettings settings, Executor ioExecutor) {
    throw new AssertionError();
  }

  public CompletableFuture<Void> append(String persistenceId, List<LogEntry> entries) {
    throw new AssertionError();
  }

  public List<LogEntry> read(
      String persistenceId, long fromSequenceNr, long toSequenceNr, int maxEntries, int maxBytes) {
    throw new AssertionError();
  }

  public long highestSequenceNr(String persistenceId) {
    throw new AssertionError();
  }

  public long deletedTo(String persistenceId) {
    throw new AssertionError();
  }

  public void deleteTo(String persistenceId, long toSequenceNr) {
    throw new AssertionError();
  }

  public CompletableFuture<Void> awaitCommitAfter(String persistenceId, long sequenceNr) {
    throw new AssertionError();
  }

  public Set<String> persistenceIds() {
    throw new AssertionError();
  }

  public AutoCloseable onNewPersistenceId(Consumer<String> listener) {
    throw new AssertionError();
  }

  @Override
  public void close() {}
}
