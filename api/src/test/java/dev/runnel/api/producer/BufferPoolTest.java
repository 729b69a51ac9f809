package dev.runnel.api.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BufferPoolTest {

  /** Runs tasks at once on the calling thread, so completions are visible right after. */
  private final BufferPool pool = new BufferPool(100, Runnable::run);

  @Test
  void shouldRefuseWhatDoesNotFitUntilMemoryIsReleased() {
    assertTrue(pool.tryReserve(60));
    assertTrue(pool.tryReserve(40));
    assertFalse(pool.tryReserve(1));
    assertEquals(100, pool.used());

    pool.release(40);

    assertTrue(pool.tryReserve(30));
    assertEquals(90, pool.used());
  }

  @Test
  void shouldAdmitWaitersInOrderAndNotLetOthersPassThem() {
    assertTrue(pool.tryReserve(90));
    CompletableFuture<Void> first = pool.reserve(50).toCompletableFuture();
    CompletableFuture<Void> second = pool.reserve(5).toCompletableFuture();

    assertFalse(first.isDone());
    assertFalse(second.isDone(), "a small waiter does not pass a large one");
    assertFalse(pool.tryReserve(1), "nobody passes the waiters");

    pool.release(44);
    assertTrue(first.isDone());
    assertFalse(second.isDone(), "96 used: 5 more do not fit");

    pool.release(1);
    assertTrue(second.isDone());
    assertEquals(100, pool.used());
  }
}
