package dev.runnel.sharding;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** Keyed placement is checked against Kafka's own client library, not against a copy of it. */
class PartitionerTest {

  /** The vectors of Kafka's {@code UtilsTest.testMurmur2}. */
  private static final Map<String, Integer> KAFKA_VECTORS =
      Map.of(
          "21", -973932308,
          "foobar", -790332482,
          "a-little-bit-long-string", -985981536,
          "a-little-bit-longer-string", -1486304829,
          "lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971,
          "abc", 479470107);

  @Test
  void shouldHashKafkasKnownVectorsLikeKafka() {
    KAFKA_VECTORS.forEach(
        (text, expected) -> {
          byte[] data = text.getBytes(UTF_8);
          assertEquals(expected, Utils.murmur2(data), "Kafka's own value for " + text);
          assertEquals(expected, Partitioner.murmur2(data), text);
        });
  }

  @Test
  void shouldPlaceRandomKeysWhereKafkasDefaultPartitionerDoes() {
    Random random = new Random(0x5eed);
    for (int i = 0; i < 20_000; i++) {
      byte[] key = new byte[random.nextInt(101)];
      random.nextBytes(key);
      int partitions = 1 + random.nextInt(1000);
      int kafka = BuiltInPartitioner.partitionForKey(key, partitions);
      assertEquals(
          Utils.toPositive(Utils.murmur2(key)) % partitions, kafka, "Kafka's two formulations");
      assertEquals(
          kafka,
          Partitioner.partitionForKey(key, partitions),
          "keyLength=" + key.length + ", partitions=" + partitions + ", i=" + i);
      assertEquals(Utils.murmur2(key), Partitioner.murmur2(key), "keyLength=" + key.length);
    }
  }

  @Test
  void shouldClearOnlyTheSignBitLikeKafka() {
    for (int n : new int[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, -973932308}) {
      assertEquals(Utils.toPositive(n), Partitioner.toPositive(n), "n=" + n);
    }
  }

  @Test
  void shouldVisitEveryPartitionInTurnForRecordsWithoutKey() {
    Partitioner partitioner = new Partitioner();
    int first = partitioner.nextStickyPartition("orders", 7);
    Set<Integer> seen = new HashSet<>();
    seen.add(first);
    for (int i = 1; i < 7; i++) {
      assertEquals((first + i) % 7, partitioner.nextStickyPartition("orders", 7), "step " + i);
      seen.add((first + i) % 7);
    }
    assertEquals(7, seen.size());
    assertEquals(first, partitioner.nextStickyPartition("orders", 7), "back to the start");
  }

  @Test
  void shouldStayInRangeWhenThePartitionCountGrows() {
    Partitioner partitioner = new Partitioner();
    for (int partitions = 1; partitions <= 50; partitions++) {
      int chosen = partitioner.nextStickyPartition("growing", partitions);
      assertTrue(chosen >= 0 && chosen < partitions, "chosen=" + chosen);
    }
  }

  @Test
  void shouldRefuseAPartitionCountBelowOne() {
    IllegalArgumentException keyed =
        assertThrows(
            IllegalArgumentException.class, () -> Partitioner.partitionForKey(new byte[1], 0));
    assertEquals("Invalid partition count: partitions=0", keyed.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> new Partitioner().nextStickyPartition("t", 0));
  }
}
