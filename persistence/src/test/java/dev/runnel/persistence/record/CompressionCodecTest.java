package dev.runnel.persistence.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class CompressionCodecTest {

  @ParameterizedTest
  @EnumSource(CompressionCodec.class)
  void shouldFindEveryCodecByItsKafkaNameAndId(CompressionCodec codec) {
    assertEquals(codec, CompressionCodec.forName(codec.configName()));
    assertEquals(codec, CompressionCodec.forName(codec.configName().toUpperCase()));
    assertEquals(codec, CompressionCodec.forId(codec.id()));
  }

  @ParameterizedTest
  @EnumSource(CompressionCodec.class)
  void shouldKeepTheStoredIdsThatKafkaUses(CompressionCodec codec) {
    int expected =
        switch (codec) {
          case NONE -> 0;
          case LZ4 -> 3;
          case ZSTD -> 4;
        };
    assertEquals(expected, codec.id());
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "snappy", "producer", ""})
  void shouldRefuseCodecsRunnelDoesNotSupport(String name) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CompressionCodec.forName(name));
    assertTrue(e.getMessage().contains("compression.type=" + name), e.getMessage());
    assertTrue(e.getMessage().contains("[none, lz4, zstd]"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 5, 7, -1})
  void shouldRefuseUnknownIds(int id) {
    assertThrows(IllegalArgumentException.class, () -> CompressionCodec.forId(id));
  }
}
