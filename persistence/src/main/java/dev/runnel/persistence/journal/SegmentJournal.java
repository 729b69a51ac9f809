package dev.runnel.persistence.journal;

import akka.dispatch.Futures;
import akka.persistence.AtomicWrite;
import akka.persistence.PersistentRepr;
import akka.persistence.journal.japi.AsyncWriteJournal;
import akka.serialization.SerializationExtension;
import com.typesafe.config.Config;
import dev.runnel.persistence.journal.JournalEntryCodec.StoredEvent;
import dev.runnel.persistence.log.LogEntry;
import dev.runnel.persistence.log.LogStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import scala.concurrent.ExecutionContextExecutor;
import scala.concurrent.Future;
import scala.concurrent.Promise;

/**
 * Akka Persistence journal storing each persistence id as a segmented log ({@link LogStore}), one
 * log entry per {@link AtomicWrite} (layout in {@link JournalEntryCodec}), so an atomic write is
 * stored whole or not at all.
 *
 * <p>Writes of one request are grouped per persistence id into one {@code append}; the store's
 * group commit shares forces among concurrent requests. The journal actor never blocks: replays,
 * sequence-number reads and deletions run on the configured {@code io-dispatcher}.
 *
 * <p>Event tags are not stored (there is no query by tag).
 */
public final class SegmentJournal extends AsyncWriteJournal {

  private final LogStore store;
  private final int maxEntryBytes;
  private final ExecutionContextExecutor io;
  private final ExecutionContextExecutor dispatcher;
  private final JournalEntryCodec codec;
  private final int replayChunkEntries;
  private final int replayChunkBytes;

  public SegmentJournal(Config config, String configPath) {
    SegmentStorage.Storage storage = SegmentStorage.get(context().system()).storage(configPath);
    this.store = storage.store();
    this.maxEntryBytes = storage.store().settings().maxEntryBytes();
    this.io = storage.io();
    this.dispatcher = context().dispatcher();
    this.codec = new JournalEntryCodec(SerializationExtension.get(context().system()));
    this.replayChunkEntries = config.getInt("replay-chunk-entries");
    this.replayChunkBytes =
        (int) Math.min(Integer.MAX_VALUE, config.getBytes("replay-chunk-bytes"));
    if (replayChunkEntries < 1 || replayChunkBytes < 1) {
      throw new IllegalArgumentException(
          "Bad replay chunk: replay-chunk-entries="
              + replayChunkEntries
              + ", replay-chunk-bytes="
              + replayChunkBytes
              + ", both must be >= 1");
    }
  }

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(
      Iterable<AtomicWrite> messages) {
    long now = System.currentTimeMillis();
    List<Optional<Exception>> results = new ArrayList<>();
    Map<String, List<LogEntry>> entriesById = new LinkedHashMap<>();
    for (AtomicWrite write : messages) {
      Optional<Exception> rejection = Optional.empty();
      try {
        LogEntry entry = codec.encode(write, now);
        if (entry.payload().remaining() > maxEntryBytes) {
          rejection = Optional.of(tooLarge(write, entry));
        } else {
          entriesById.computeIfAbsent(write.persistenceId(), id -> new ArrayList<>()).add(entry);
        }
      } catch (IllegalArgumentException e) {
        rejection = Optional.of(e);
      }
      results.add(rejection);
    }
    Promise<Iterable<Optional<Exception>>> promise = Futures.promise();
    try {
      CompletableFuture<?>[] appends =
          entriesById.entrySet().stream()
              .map(byId -> store.append(byId.getKey(), byId.getValue()))
              .toArray(CompletableFuture[]::new);
      CompletableFuture.allOf(appends)
          .whenCompleteAsync(
              (done, failure) -> {
                if (failure == null) {
                  promise.success(results);
                } else {
                  promise.failure(unwrap(failure));
                }
              },
              dispatcher);
    } catch (RuntimeException e) {
      promise.failure(e);
    }
    return promise.future();
  }

  private IllegalArgumentException tooLarge(AtomicWrite write, LogEntry entry) {
    return new IllegalArgumentException(
        "Atomic write too large: persistenceId="
            + write.persistenceId()
            + ", firstSequenceNr="
            + write.lowestSequenceNr()
            + ", events="
            + write.size()
            + ", bytes="
            + entry.payload().remaining()
            + ", max-entry-bytes="
            + maxEntryBytes);
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    return Futures.future(
        () -> {
          store.deleteTo(persistenceId, toSequenceNr);
          return null;
        },
        io);
  }

  @Override
  public Future<Void> doAsyncReplayMessages(
      String persistenceId,
      long fromSequenceNr,
      long toSequenceNr,
      long max,
      Consumer<PersistentRepr> replayCallback) {
    return Futures.future(
        () -> {
          replay(persistenceId, fromSequenceNr, toSequenceNr, max, replayCallback);
          return null;
        },
        io);
  }

  /** Reads the log chunk by chunk so that a long replay holds one chunk in memory at a time. */
  private void replay(
      String persistenceId, long from, long to, long max, Consumer<PersistentRepr> callback) {
    long next = Math.max(from, store.deletedTo(persistenceId) + 1);
    long remaining = max;
    while (remaining > 0 && next <= to) {
      int chunkEntries = (int) Math.min(replayChunkEntries, remaining);
      List<LogEntry> chunk = store.read(persistenceId, next, to, chunkEntries, replayChunkBytes);
      if (chunk.isEmpty()) {
        return;
      }
      for (LogEntry entry : chunk) {
        for (StoredEvent event : codec.decode(entry)) {
          if (event.sequenceNr() >= next && event.sequenceNr() <= to && remaining > 0) {
            callback.accept(codec.toRepr(persistenceId, event));
            remaining--;
          }
        }
        next = Math.max(next, entry.lastSequenceNr() + 1);
      }
    }
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    return Futures.future(() -> store.highestSequenceNr(persistenceId), io);
  }
}
