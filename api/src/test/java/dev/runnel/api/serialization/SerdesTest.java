package dev.runnel.api.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class SerdesTest {

  private static final String TOPIC = "t";

  /** Kafka writes what Runnel writes, and each reads the other's bytes back to the same value. */
  private static <T> void assertKafkaCompatible(
      dev.runnel.api.serialization.Serde<T> runnel, Serde<T> kafka, List<T> values) {
    for (T value : values) {
      byte[] ours = runnel.serializer().serialize(TOPIC, value);
      byte[] theirs = kafka.serializer().serialize(TOPIC, value);
      assertArrayEquals(theirs, ours, "bytes of " + value);
      assertEquals(value, runnel.deserializer().deserialize(TOPIC, theirs));
      assertEquals(value, kafka.deserializer().deserialize(TOPIC, ours));
    }
    assertNull(runnel.serializer().serialize(TOPIC, null));
    assertNull(runnel.deserializer().deserialize(TOPIC, null));
  }

  @Test
  void shouldWriteTheBytesKafkaWrites() {
    assertKafkaCompatible(
        Serdes.String(),
        org.apache.kafka.common.serialization.Serdes.String(),
        List.of("", "plain", "ünïcödé €", "\uD83D\uDE00"));
    assertKafkaCompatible(
        Serdes.Long(),
        org.apache.kafka.common.serialization.Serdes.Long(),
        List.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1_234_567_890_123L));
    assertKafkaCompatible(
        Serdes.Integer(),
        org.apache.kafka.common.serialization.Serdes.Integer(),
        List.of(0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE));
    assertKafkaCompatible(
        Serdes.Short(),
        org.apache.kafka.common.serialization.Serdes.Short(),
        List.of((short) 0, (short) -2, Short.MAX_VALUE));
    assertKafkaCompatible(
        Serdes.Double(),
        org.apache.kafka.common.serialization.Serdes.Double(),
        List.of(0.0, -1.5, Double.MAX_VALUE, Double.NaN));
    assertKafkaCompatible(
        Serdes.Float(),
        org.apache.kafka.common.serialization.Serdes.Float(),
        List.of(0.0f, 3.25f, Float.MIN_VALUE));
    assertKafkaCompatible(
        Serdes.UUID(),
        org.apache.kafka.common.serialization.Serdes.UUID(),
        List.of(UUID.randomUUID(), new UUID(0, 0)));
  }

  @Test
  void shouldPassByteArraysThroughAndCopyOnlyPartialBuffers() {
    byte[] bytes = {1, 2, 3, 4};
    assertEquals(bytes, Serdes.ByteArray().serializer().serialize(TOPIC, bytes));
    assertEquals(bytes, Serdes.ByteArray().deserializer().deserialize(TOPIC, bytes));

    ByteBuffer whole = ByteBuffer.wrap(bytes);
    assertEquals(bytes, Serdes.ByteBuffer().serializer().serialize(TOPIC, whole));
    ByteBuffer tail = ByteBuffer.wrap(bytes).position(2);
    assertArrayEquals(new byte[] {3, 4}, Serdes.ByteBuffer().serializer().serialize(TOPIC, tail));
    assertEquals(2, tail.position(), "the buffer's position is left alone");
    assertEquals(whole, Serdes.ByteBuffer().deserializer().deserialize(TOPIC, bytes));
  }

  @Test
  void shouldRefuseBytesOfTheWrongWidthNamingTopicAndLength() {
    SerializationException e =
        assertThrows(
            SerializationException.class,
            () -> Serdes.Long().deserializer().deserialize("prices", new byte[] {1, 2, 3}));
    assertEquals("Wrong size for a Long: topic=prices, expectedLength=8, length=3", e.getMessage());
    assertThrows(
        SerializationException.class,
        () -> Serdes.Integer().deserializer().deserialize(TOPIC, new byte[8]));
    assertThrows(
        SerializationException.class,
        () -> Serdes.UUID().deserializer().deserialize(TOPIC, "not-a-uuid".getBytes()));
    assertThrows(
        SerializationException.class,
        () -> Serdes.Void().deserializer().deserialize(TOPIC, new byte[0]));
    assertNull(Serdes.Void().serializer().serialize(TOPIC, null));
  }
}
