package dev.runnel.persistence.log;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The cleaner's key map: a fixed-size open-addressing table from a 128-bit hash of a record key to
 * the newest offset seen for that key, as Kafka's {@code SkimpyOffsetMap}. Its memory is allocated
 * once and never grows; when {@link #maxEntries()} keys are in, the cleaner stops mapping and
 * cleans what it mapped, leaving the rest for the next pass.
 *
 * <pre>
 * slot i:  hashes[2i] hashes[2i+1]   offsets[i]      24 bytes per slot, -1 = empty slot
 * </pre>
 *
 * <p>Why a hash and not the key: keys may be large; 16 bytes per key bound the memory. Two keys
 * with the same 128-bit hash would count as one (the older one's records could be dropped); with
 * MurmurHash3's x64-128 mixing that takes some 2^64 keys to become likely. Probing is double
 * hashing over a power-of-two table (an odd step visits every slot); the load stays at most {@value
 * #LOAD_FACTOR}, so a lookup probes few slots.
 *
 * <p>Not thread-safe: one cleaner thread uses a map at a time.
 */
final class KeyMap {

  /** Bytes of one slot: two hash words and an offset. */
  static final int SLOT_BYTES = 24;

  static final double LOAD_FACTOR = 0.9;

  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;

  private final long[] hashes;
  private final long[] offsets;
  private final int mask;
  private final int maxEntries;
  private int size;

  // The hash of the key last given to hash(): two words, no allocation per key.
  private long h1;
  private long h2;

  /** A map taking at most {@code memoryBytes} (rounded down to a power of two of slots). */
  KeyMap(long memoryBytes) {
    long slots = Long.highestOneBit(Math.max(2, memoryBytes / SLOT_BYTES));
    if (slots > 1 << 29) {
      slots = 1 << 29;
    }
    this.hashes = new long[(int) slots * 2];
    this.offsets = new long[(int) slots];
    this.mask = (int) slots - 1;
    this.maxEntries = Math.max(1, (int) (slots * LOAD_FACTOR));
    Arrays.fill(offsets, -1);
  }

  /** Keys the map takes before it counts as full. */
  int maxEntries() {
    return maxEntries;
  }

  int size() {
    return size;
  }

  void clear() {
    if (size > 0) {
      Arrays.fill(offsets, -1);
      size = 0;
    }
  }

  /**
   * Maps the key to {@code offset} if it is newer than what the map holds. Never call it on a full
   * map with a new key: check {@link #size()} against {@link #maxEntries()} first.
   */
  void put(ByteBuffer buffer, int keyOffset, int keyLength, long offset) {
    hash(buffer, keyOffset, keyLength);
    int slot = find();
    if (offsets[slot] < 0) {
      if (size >= maxEntries) {
        throw new IllegalStateException("Key map full: maxEntries=" + maxEntries);
      }
      hashes[2 * slot] = h1;
      hashes[2 * slot + 1] = h2;
      offsets[slot] = offset;
      size++;
    } else if (offset > offsets[slot]) {
      offsets[slot] = offset;
    }
  }

  /** The newest offset mapped for the key, or -1. */
  long get(ByteBuffer buffer, int keyOffset, int keyLength) {
    hash(buffer, keyOffset, keyLength);
    return offsets[find()];
  }

  /** The slot of the hash in h1/h2, or the empty slot where it would go. */
  private int find() {
    int slot = (int) h1 & mask;
    int step = ((int) h2 & mask) | 1;
    while (offsets[slot] >= 0 && (hashes[2 * slot] != h1 || hashes[2 * slot + 1] != h2)) {
      slot = (slot + step) & mask;
    }
    return slot;
  }

  /** MurmurHash3 x64-128 of the key's bytes (read as big-endian words) into h1 and h2. */
  private void hash(ByteBuffer buffer, int offset, int length) {
    long a = 0x9747b28cL;
    long b = 0x9747b28cL;
    int blocks = length >>> 4;
    for (int i = 0; i < blocks; i++) {
      int at = offset + (i << 4);
      a ^= mixK1(buffer.getLong(at));
      a = Long.rotateLeft(a, 27) + b;
      a = a * 5 + 0x52dce729;
      b ^= mixK2(buffer.getLong(at + 8));
      b = Long.rotateLeft(b, 31) + a;
      b = b * 5 + 0x38495ab5;
    }
    long k1 = 0;
    long k2 = 0;
    int tail = offset + (blocks << 4);
    int rest = length & 15;
    for (int i = rest - 1; i >= 8; i--) {
      k2 = (k2 << 8) | (buffer.get(tail + i) & 0xffL);
    }
    for (int i = Math.min(rest, 8) - 1; i >= 0; i--) {
      k1 = (k1 << 8) | (buffer.get(tail + i) & 0xffL);
    }
    b ^= mixK2(k2);
    a ^= mixK1(k1);
    a ^= length;
    b ^= length;
    a += b;
    b += a;
    a = fmix(a);
    b = fmix(b);
    a += b;
    b += a;
    h1 = a;
    h2 = b;
  }

  private static long mixK1(long k) {
    return Long.rotateLeft(k * C1, 31) * C2;
  }

  private static long mixK2(long k) {
    return Long.rotateLeft(k * C2, 33) * C1;
  }

  private static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
