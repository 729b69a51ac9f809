package dev.runnel.persistence.log;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Caps the cleaner's I/O at a number of bytes per second, shared by all cleaner threads of a store
 * (as Kafka's cleaner throttler): each thread reports the bytes it read or wrote and is parked
 * while the rate over the current window is above the cap. A window lasts {@value #WINDOW_MILLIS}
 * ms, so bursts stay short.
 *
 * <p>Thread-safe. Parking, never interrupting: an interrupt would close the segment files the
 * cleaner reads through shared channels.
 */
final class Throttle {

  private static final long WINDOW_MILLIS = 300;

  private final double bytesPerSecond;
  private long windowStart = System.nanoTime();
  private long windowBytes;

  /** A throttle at {@code bytesPerSecond}; {@link Long#MAX_VALUE} for none. */
  Throttle(long bytesPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
  }

  /** Accounts for {@code bytes} and parks while over the rate, or until {@code stop} says so. */
  void acquire(long bytes, BooleanSupplier stop) {
    if (bytesPerSecond >= Long.MAX_VALUE) {
      return;
    }
    long waitNanos;
    synchronized (this) {
      windowBytes += bytes;
      long now = System.nanoTime();
      long elapsed = now - windowStart;
      long allowedNanos = (long) (windowBytes / bytesPerSecond * 1e9);
      waitNanos = allowedNanos - elapsed;
      if (elapsed >= TimeUnit.MILLISECONDS.toNanos(WINDOW_MILLIS)) {
        windowStart = now + Math.max(0, waitNanos);
        windowBytes = 0;
      }
    }
    long until = System.nanoTime() + waitNanos;
    while (waitNanos > 0 && !stop.getAsBoolean()) {
      LockSupport.parkNanos(this, Math.min(waitNanos, TimeUnit.MILLISECONDS.toNanos(50)));
      waitNanos = until - System.nanoTime();
    }
  }
}
