package dev.runnel.persistence.record;

import static dev.runnel.persistence.record.EncodedBatches.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VarintTest {

  @ParameterizedTest
  @CsvSource({
    "0, 00",
    "-1, 01",
    "1, 02",
    "63, 7e",
    "-64, 7f",
    "64, 8001",
    "2147483647, feffffff0f",
    "-2147483648, ffffffff0f"
  })
  void shouldWriteZigZagVarintsAsProtobufDoes(int value, String expected) {
    ByteBuffer out = ByteBuffer.allocate(5);
    Varint.writeVarint(value, out);

    assertArrayEquals(hex(expected), Arrays.copyOf(out.array(), out.position()));
    assertEquals(out.position(), Varint.sizeOfVarint(value));
    assertEquals(value, Varint.readVarint(ByteBuffer.wrap(hex(expected))));
  }

  @ParameterizedTest
  @ValueSource(
      longs = {0, -1, 1, 63, -64, 64, 1L << 35, -(1L << 35), Long.MAX_VALUE, Long.MIN_VALUE})
  void shouldRoundTripVarlongs(long value) {
    ByteBuffer buffer = ByteBuffer.allocate(10);
    Varint.writeVarlong(value, buffer);
    int size = buffer.position();
    buffer.flip();

    assertEquals(size, Varint.sizeOfVarlong(value));
    assertEquals(value, Varint.readVarlong(buffer));
    assertFalse(buffer.hasRemaining());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ffffffff1f", "ffffffff8f01", "8080808080"})
  void shouldRefuseVarintsLongerThanFiveBytes(String bytes) {
    CorruptRecordBatchException e =
        assertThrows(
            CorruptRecordBatchException.class,
            () -> Varint.readVarint(ByteBuffer.wrap(hex(bytes))));
    assertTrue(e.getMessage().contains("varint longer than 5 bytes"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ffffffffffffffffff02", "80808080808080808080", "ffffffffffffffffff81"})
  void shouldRefuseVarlongsLongerThanTenBytes(String bytes) {
    assertThrows(
        CorruptRecordBatchException.class, () -> Varint.readVarlong(ByteBuffer.wrap(hex(bytes))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "80", "ffff"})
  void shouldRefuseTruncatedVarints(String bytes) {
    CorruptRecordBatchException e =
        assertThrows(
            CorruptRecordBatchException.class,
            () -> Varint.readVarint(ByteBuffer.wrap(hex(bytes))));
    assertTrue(e.getMessage().contains("truncated varint"), e.getMessage());
    assertThrows(
        CorruptRecordBatchException.class, () -> Varint.readVarlong(ByteBuffer.wrap(hex(bytes))));
  }
}
