package dev.runnel.api.producer;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The producer's {@code buffer.memory}: bytes of records accepted and not yet appended. {@link
 * #tryReserve} never waits, so {@code send} can refuse a record at once; {@link #reserve} gives a
 * stage that completes when there is room, for the streams, whose {@code parallelism} bounds how
 * many wait. Waiters are served first come, first served, and are never passed by {@link
 * #tryReserve}.
 *
 * <p>Thread-safe: senders reserve on their own threads, the producer actor releases.
 */
final class BufferPool {

  private record Waiter(long bytes, CompletableFuture<Void> room) {}

  private final long capacity;
  private final Executor executor;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private long used;

  BufferPool(long capacity, Executor executor) {
    this.capacity = capacity;
    this.executor = executor;
  }

  /** The buffer's size in bytes. */
  long capacity() {
    return capacity;
  }

  /** Takes {@code bytes} if they fit now and nobody waits; returns whether it did. */
  synchronized boolean tryReserve(long bytes) {
    if (!waiters.isEmpty() || used + bytes > capacity) {
      return false;
    }
    used += bytes;
    return true;
  }

  /** A stage that completes (on the executor) once {@code bytes} are taken for the caller. */
  CompletionStage<Void> reserve(long bytes) {
    CompletableFuture<Void> room = new CompletableFuture<>();
    synchronized (this) {
      if (waiters.isEmpty() && used + bytes <= capacity) {
        used += bytes;
      } else {
        waiters.addLast(new Waiter(bytes, room));
        return room;
      }
    }
    executor.execute(() -> room.complete(null));
    return room;
  }

  /** Gives {@code bytes} back and lets waiters in that now fit. */
  void release(long bytes) {
    ArrayDeque<CompletableFuture<Void>> admitted = new ArrayDeque<>();
    synchronized (this) {
      used -= bytes;
      while (!waiters.isEmpty() && used + waiters.peekFirst().bytes() <= capacity) {
        Waiter waiter = waiters.pollFirst();
        used += waiter.bytes();
        admitted.add(waiter.room());
      }
    }
    if (!admitted.isEmpty()) {
      executor.execute(() -> admitted.forEach(room -> room.complete(null)));
    }
  }

  /** The bytes taken now. */
  synchronized long used() {
    return used;
  }
}
