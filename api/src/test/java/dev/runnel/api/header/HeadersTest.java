package dev.runnel.api.header;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.persistence.record.Header;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeadersTest {

  private static final Header A1 = new Header("a", new byte[] {1});
  private static final Header B = new Header("b", null);
  private static final Header A2 = new Header("a", new byte[] {2});

  @Test
  void shouldFindRepeatedKeysInOrderAndTheLastOne() {
    Headers headers = Headers.of(A1, B, A2);

    assertEquals(List.of(A1, A2), headers.headers("a"));
    assertEquals(A2, headers.lastHeader("a"));
    assertEquals(B, headers.lastHeader("b"));
    assertNull(headers.lastHeader("c"));
    assertArrayEquals(new Header[] {A1, B, A2}, headers.toArray());
    assertEquals(3, headers.size());
  }

  @Test
  void shouldLeaveTheOriginalUnchangedOnAddAndRemove() {
    Headers original = Headers.of(A1, B);

    Headers added = original.add("a", new byte[] {2});
    Headers removed = added.remove("a");

    assertEquals(Headers.of(A1, B), original);
    assertEquals(Headers.of(A1, B, A2), added);
    assertEquals(Headers.of(B), removed);
    assertSame(removed, removed.remove("missing"));
    assertTrue(Headers.of(List.of()).isEmpty());
    assertThrows(UnsupportedOperationException.class, () -> original.asList().add(A2));
  }
}
