package dev.runnel.persistence.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyMapTest {

  private static ByteBuffer key(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  private static void put(KeyMap map, String key, long offset) {
    ByteBuffer bytes = key(key);
    map.put(bytes, 0, bytes.remaining(), offset);
  }

  private static long get(KeyMap map, String key) {
    ByteBuffer bytes = key(key);
    return map.get(bytes, 0, bytes.remaining());
  }

  @Test
  void shouldAnswerTheNewestOffsetOfEveryKeyLikeAHashMap() {
    KeyMap map = new KeyMap(1024 * 1024);
    Map<String, Long> model = new HashMap<>();
    Random random = new Random(7);
    for (long offset = 0; offset < 20_000; offset++) {
      // Keys of every length from 0 to 40 bytes, so every tail length of the hash is used.
      String key =
          "k".repeat(random.nextInt(5))
              + random.nextInt(5_000)
              + "x".repeat(offset % 33 == 0 ? 25 : 0);
      put(map, key, offset);
      model.put(key, offset);
    }
    assertEquals(model.size(), map.size());
    model.forEach((key, offset) -> assertEquals(offset, get(map, key), key));
    assertEquals(-1, get(map, "never written"));
    assertEquals(-1, get(map, ""));
  }

  @Test
  void shouldKeepTheNewerOffsetWhenAnOlderOneComesLater() {
    KeyMap map = new KeyMap(1024);
    put(map, "a", 10);
    put(map, "a", 5);
    assertEquals(10, get(map, "a"));
    assertEquals(1, map.size());
  }

  @Test
  void shouldRefuseANewKeyWhenFullAndStartOverWhenCleared() {
    KeyMap map = new KeyMap(16 * KeyMap.SLOT_BYTES);
    assertEquals(14, map.maxEntries());
    for (int i = 0; i < map.maxEntries(); i++) {
      put(map, "key-" + i, i);
    }
    assertThrows(IllegalStateException.class, () -> put(map, "one too many", 99));
    put(map, "key-3", 100);
    assertEquals(100, get(map, "key-3"));
    map.clear();
    assertEquals(0, map.size());
    assertEquals(-1, get(map, "key-3"));
  }
}
