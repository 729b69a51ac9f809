package dev.runnel.persistence.log;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ThrottleTest {

  @Test
  void shouldNotLetBytesThroughFasterThanItsRate() {
    Throttle throttle = new Throttle(1_000_000);
    long start = System.nanoTime();
    for (int i = 0; i < 40; i++) {
      throttle.acquire(10_000, () -> false);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // 400 kB at 1 MB/s: at least 0.4 s, less only if the throttle let bytes through too early.
    assertTrue(seconds >= 0.35, "400 kB passed in " + seconds + " s");
  }

  @Test
  void shouldStopWaitingWhenAskedTo() {
    Throttle throttle = new Throttle(1_000);
    long start = System.nanoTime();
    throttle.acquire(1_000_000, () -> true);
    assertTrue(System.nanoTime() - start < 1_000_000_000L, "waited although stopping");
  }
}
