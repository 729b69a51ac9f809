package dev.runnel.api.producer;

import java.util.ArrayDeque;

/**
 * The producer's {@code buffer.memory}: bytes of records accepted and not yet appended. {@link
 * #tryReserve} never waits, so {@code send} can refuse a record at once; {@link #reserve} admits a
 * record when there is room, for the streams, whose {@code parallelism} bounds how many wait.
 *
 * <p>Admissions keep their order: waiters are admitted first come, first served, nobody passes them
 * through {@link #tryReserve}, and each admission's action runs under the pool's lock (at once on
 * the caller's thread, or later on the thread that releases), so records handed on by their actions
 * reach the producer in the order they were reserved. Actions must be quick and never block: they
 * run on the producer actor's thread when a release admits them.
 *
 * <p>Thread-safe: senders reserve on their own threads, the producer actor releases.
 */
final class BufferPool {

  private record Waiter(long bytes, Runnable admitted) {}

  private final long capacity;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private long used;

  BufferPool(long capacity) {
    this.capacity = capacity;
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

  /**
   * Takes {@code bytes} as soon as they fit and nobody waits before, then runs {@code admitted}.
   */
  synchronized void reserve(long bytes, Runnable admitted) {
    if (waiters.isEmpty() && used + bytes <= capacity) {
      used += bytes;
      admitted.run();
    } else {
      waiters.addLast(new Waiter(bytes, admitted));
    }
  }

  /** Gives {@code bytes} back and admits the waiters that now fit, in order. */
  synchronized void release(long bytes) {
    used -= bytes;
    while (!waiters.isEmpty() && used + waiters.peekFirst().bytes() <= capacity) {
      Waiter waiter = waiters.pollFirst();
      used += waiter.bytes();
      waiter.admitted().run();
    }
  }

  /** The bytes taken now. */
  synchronized long used() {
    return used;
  }
}
