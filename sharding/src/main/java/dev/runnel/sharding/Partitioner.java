package dev.runnel.sharding;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses the partition of a record the way Kafka's default partitioner does, so a keyed record
 * lands in the same partition number in Runnel as in a Kafka topic with the same partition count.
 *
 * <ul>
 *   <li>A record with a key goes to {@code toPositive(murmur2(key)) % partitions}: the same key
 *       always goes to the same partition while the partition count stays the same.
 *   <li>Records without a key are spread over the partitions: a producer keeps sending to one
 *       partition until its batch for that topic is done, then asks {@link #nextStickyPartition}
 *       for the next one (round robin per topic), so batches stay large and the load even.
 * </ul>
 *
 * <p>Thread-safe: the static functions are pure; the sticky counters are atomic, one per topic.
 */
public final class Partitioner {

  private static final int SEED = 0x9747b28c;
  private static final int M = 0x5bd1e995;
  private static final int R = 24;

  /** Sticky counters start below this, far from the int overflow that would break the turn. */
  private static final int FIRST_STICKY_BOUND = 1 << 30;

  private final ConcurrentHashMap<String, AtomicInteger> stickyCounters = new ConcurrentHashMap<>();

  /**
   * Kafka's default partitioner for a key: {@code toPositive(murmur2(key)) % partitions}.
   *
   * @param key the serialized key, not null
   * @param partitions the topic's partition count, at least 1
   */
  public static int partitionForKey(byte[] key, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("Invalid partition count: partitions=" + partitions);
    }
    return toPositive(murmur2(key)) % partitions;
  }

  /**
   * The 32-bit MurmurHash2 of {@code data} with the seed and byte order Kafka uses ({@code
   * org.apache.kafka.common.utils.Utils.murmur2}): little-endian 4-byte blocks, the 1 to 3 trailing
   * bytes mixed in last.
   */
  public static int murmur2(byte[] data) {
    Objects.requireNonNull(data, "data");
    final int length = data.length;
    final int blocks = length >>> 2;
    int h = SEED ^ length;
    for (int i = 0; i < blocks; i++) {
      final int at = i << 2;
      int k =
          (data[at] & 0xff)
              | (data[at + 1] & 0xff) << 8
              | (data[at + 2] & 0xff) << 16
              | (data[at + 3] & 0xff) << 24;
      k *= M;
      k ^= k >>> R;
      k *= M;
      h *= M;
      h ^= k;
    }
    final int tail = blocks << 2;
    switch (length & 3) {
      case 3:
        h ^= (data[tail + 2] & 0xff) << 16;
        // fall through
      case 2:
        h ^= (data[tail + 1] & 0xff) << 8;
        // fall through
      case 1:
        h ^= data[tail] & 0xff;
        h *= M;
        break;
      default:
        break;
    }
    h ^= h >>> 13;
    h *= M;
    h ^= h >>> 15;
    return h;
  }

  /**
   * The non-negative number Kafka derives from a hash: the sign bit cleared (not {@code Math.abs},
   * which stays negative for {@code Integer.MIN_VALUE}).
   */
  public static int toPositive(int number) {
    return number & 0x7fffffff;
  }

  /**
   * The partition a producer moves to for records without a key when its current batch for the
   * topic is done: the topic's partitions in turn, one step per call, across all producers of this
   * node. Each topic starts at a random partition, so that nodes do not all begin with partition 0.
   *
   * @param topic the topic the records go to
   * @param partitions its current partition count, at least 1
   */
  public int nextStickyPartition(String topic, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "Invalid partition count: topic=" + topic + ", partitions=" + partitions);
    }
    AtomicInteger counter =
        stickyCounters.computeIfAbsent(
            topic, t -> new AtomicInteger(ThreadLocalRandom.current().nextInt(FIRST_STICKY_BOUND)));
    return toPositive(counter.getAndIncrement()) % partitions;
  }
}
