package dev.runnel.persistence.record;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordTest {

  @Test
  void shouldCompareKeysValuesAndHeadersByContent() {
    Record a = record("k", "v", new Header("h", "x".getBytes(UTF_8)));
    Record b = record("k", "v", new Header("h", "x".getBytes(UTF_8)));

    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, record("k", "w", new Header("h", "x".getBytes(UTF_8))));
    assertNotEquals(a, record("k", "v", new Header("h", null)));
    assertNotEquals(a, new Record(1, 2, null, "v".getBytes(UTF_8)));
  }

  @Test
  void shouldTreatANullValueAsTombstone() {
    assertTrue(new Record(0, 0, "k".getBytes(UTF_8), null).isTombstone());
    assertEquals(new Record(0, 0, null, null), new Record(0, 0, null, null));
  }

  @Test
  void shouldShowBytesAsHexAndShortenLongValues() {
    Record record = new Record(3, -5, new byte[] {1, (byte) 0xab}, new byte[1000]);

    String text = record.toString();

    assertTrue(text.contains("offset=3, timestamp=-5, key=01ab"), text);
    assertTrue(text.contains("...(1000 bytes)"), text);
    assertTrue(text.length() < 200, text);
  }

  @Test
  void shouldCopyHeadersSoLaterChangesDoNotLeakIn() {
    List<Header> headers = new ArrayList<>(List.of(new Header("a", null)));
    Record record = new Record(0, 0, null, null, headers);

    headers.add(new Header("b", null));

    assertEquals(1, record.headers().size());
  }

  @Test
  void shouldRefuseHeaderKeysThatCannotRoundTripThroughUtf8() {
    assertThrows(NullPointerException.class, () -> new Header(null, null));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Header("a\uD800b", null));
    assertTrue(e.getMessage().contains("index=1"), e.getMessage());
  }

  private static Record record(String key, String value, Header header) {
    return new Record(1, 2, key.getBytes(UTF_8), value.getBytes(UTF_8), List.of(header));
  }
}
