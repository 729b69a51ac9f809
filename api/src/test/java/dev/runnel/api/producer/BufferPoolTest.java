package dev.runnel.api.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BufferPoolTest {

  private final BufferPool pool = new BufferPool(100);
  private final List<String> admitted = new ArrayList<>();

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
    pool.reserve(90, () -> admitted.add("first"));
    pool.reserve(50, () -> admitted.add("large"));
    pool.reserve(5, () -> admitted.add("small"));

    assertEquals(List.of("first"), admitted, "room at once: admitted at once");
    assertFalse(pool.tryReserve(1), "nobody passes the waiters");

    pool.release(44);
    assertEquals(List.of("first", "large"), admitted);
    assertEquals(96, pool.used());

    pool.release(1);
    assertEquals(List.of("first", "large", "small"), admitted, "a small one waits its turn");
    assertEquals(100, pool.used());
  }
}
