package dev.runnel.persistence.log;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Settings of a store's log cleaner, validated on construction: a bad value fails with an {@link
 * IllegalArgumentException} naming it.
 *
 * @param threads cleaner threads; each cleans one log at a time with a key map of its own
 * @param keyMapBytes memory of one thread's key map (24 bytes a key; Kafka's {@code
 *     log.cleaner.dedupe.buffer.size} divided by its threads)
 * @param ioBufferBytes the buffer a thread collects cleaned entries in before writing them
 * @param maxIoBytesPerSecond bytes all threads together read and write per second at most; {@link
 *     Long#MAX_VALUE} for no cap
 * @param backoff how long an idle thread waits before it looks for dirty logs again
 */
public record CleanerSettings(
    int threads, long keyMapBytes, int ioBufferBytes, long maxIoBytesPerSecond, Duration backoff) {

  public CleanerSettings {
    if (threads < 1) {
      throw new IllegalArgumentException("threads=" + threads + " must be >= 1");
    }
    if (keyMapBytes < KeyMap.SLOT_BYTES * 2L) {
      throw new IllegalArgumentException(
          "keyMapBytes=" + keyMapBytes + " must be >= " + KeyMap.SLOT_BYTES * 2);
    }
    if (ioBufferBytes < 4096) {
      throw new IllegalArgumentException("ioBufferBytes=" + ioBufferBytes + " must be >= 4096");
    }
    if (maxIoBytesPerSecond < 1) {
      throw new IllegalArgumentException(
          "maxIoBytesPerSecond=" + maxIoBytesPerSecond + " must be >= 1");
    }
    if (backoff == null || backoff.isNegative() || backoff.isZero()) {
      throw new IllegalArgumentException("backoff=" + backoff + " must be > 0");
    }
  }

  /** One thread, a 32 MiB key map, a 1 MiB io buffer, no io cap, 15 s backoff (Kafka's). */
  public static CleanerSettings defaults() {
    return new CleanerSettings(
        1, 32L * 1024 * 1024, 1024 * 1024, Long.MAX_VALUE, Duration.ofSeconds(15));
  }

  /**
   * Reads {@code threads}, {@code key-map-size}, {@code io-buffer-size}, {@code
   * io-max-bytes-per-second} (a size, or "unlimited") and {@code backoff} of {@code config}.
   */
  public static CleanerSettings fromConfig(Config config) {
    long io =
        config.getString("io-max-bytes-per-second").equals("unlimited")
            ? Long.MAX_VALUE
            : config.getBytes("io-max-bytes-per-second");
    long buffer = config.getBytes("io-buffer-size");
    if (buffer > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("io-buffer-size=" + buffer + " must be < 2 GiB");
    }
    return new CleanerSettings(
        config.getInt("threads"),
        config.getBytes("key-map-size"),
        (int) buffer,
        io,
        config.getDuration("backoff"));
  }
}
