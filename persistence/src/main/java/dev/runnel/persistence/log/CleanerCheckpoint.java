package dev.runnel.persistence.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * How far the cleaner got in one log ({@value #FILE_NAME}): the first dirty sequence number (every
 * entry below it was cleaned at least once) and, for tombstones, when the entries became clean.
 * Replaced atomically like {@link LogMeta}. Big-endian:
 *
 * <pre>
 * offset size field
 *      0    4 magic         int32 0x524E4C43 ("RNLC")
 *      4    1 version       int8 1
 *      5    8 firstDirty    int64: the first sequence nr not cleaned yet
 *     13    4 count         int32: horizon pairs that follow, at most {@value #MAX_PAIRS}
 *     17   16 pair          count times: cleanedBelow int64, cleanedAt int64 (epoch millis)
 *      -    4 crc           uint32: CRC32C of every byte before it
 * </pre>
 *
 * <p>A pair {@code (below, at)} says: every entry below {@code below} was clean at time {@code at}.
 * Pairs increase in both fields. A tombstone in entry {@code s} became clean at the time of the
 * first pair whose {@code below} exceeds {@code s}; it may be removed {@code delete.retention.ms}
 * after that, Kafka's rule, so that a consumer reading the log from its start within that time
 * still sees it. When there are too many pairs the two oldest merge into the later one: tombstones
 * then live a little longer, never shorter.
 *
 * @param firstDirty the first sequence number not cleaned yet (1 when nothing was)
 * @param below the pairs' first fields
 * @param at the pairs' second fields
 */
record CleanerCheckpoint(long firstDirty, long[] below, long[] at) {

  static final String FILE_NAME = "cleaner.checkpoint";
  static final CleanerCheckpoint NONE = new CleanerCheckpoint(1, new long[0], new long[0]);

  private static final int MAGIC = 0x524E4C43;
  private static final byte VERSION = 1;
  private static final int MAX_PAIRS = 64;
  private static final int FIXED_BYTES = 17;

  /** When the entry of {@code sequenceNr} became clean, {@link Long#MAX_VALUE} if it is not. */
  long cleanedAt(long sequenceNr) {
    int low = 0;
    int high = below.length - 1;
    long found = Long.MAX_VALUE;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (below[mid] > sequenceNr) {
        found = at[mid];
        high = mid - 1;
      } else {
        low = mid + 1;
      }
    }
    return found;
  }

  /** This checkpoint after a pass cleaned everything below {@code cleanedBelow} at {@code now}. */
  CleanerCheckpoint advance(long cleanedBelow, long now) {
    if (cleanedBelow <= firstDirty) {
      return this;
    }
    int n = below.length;
    long[] nextBelow = Arrays.copyOf(below, n + 1);
    long[] nextAt = Arrays.copyOf(at, n + 1);
    nextBelow[n] = cleanedBelow;
    nextAt[n] = Math.max(now, n == 0 ? now : at[n - 1]);
    if (nextBelow.length > MAX_PAIRS) {
      nextBelow = Arrays.copyOfRange(nextBelow, 1, nextBelow.length);
      nextAt = Arrays.copyOfRange(nextAt, 1, nextAt.length);
    }
    return new CleanerCheckpoint(Math.max(firstDirty, cleanedBelow), nextBelow, nextAt);
  }

  /** Reads the checkpoint of a log directory; {@link #NONE} if absent. */
  static CleanerCheckpoint read(Path directory) throws IOException {
    Path file = directory.resolve(FILE_NAME);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return NONE;
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int size = bytes.length;
    if (size < FIXED_BYTES + 4) {
      throw corrupt(file, "size " + size + " below " + (FIXED_BYTES + 4));
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, size - 4);
    if ((int) crc.getValue() != in.getInt(size - 4)) {
      throw corrupt(file, "crc mismatch");
    }
    if (in.getInt() != MAGIC || in.get() != VERSION) {
      throw corrupt(file, "unknown magic or version");
    }
    long firstDirty = in.getLong();
    int count = in.getInt();
    if (count < 0 || count > MAX_PAIRS || size != FIXED_BYTES + 16 * count + 4) {
      throw corrupt(file, "count " + count + " does not fit size " + size);
    }
    long[] below = new long[count];
    long[] at = new long[count];
    for (int i = 0; i < count; i++) {
      below[i] = in.getLong();
      at[i] = in.getLong();
    }
    return new CleanerCheckpoint(firstDirty, below, at);
  }

  void write(Path directory) throws IOException {
    ByteBuffer out = ByteBuffer.allocate(FIXED_BYTES + 16 * below.length + 4);
    out.putInt(MAGIC).put(VERSION).putLong(firstDirty).putInt(below.length);
    for (int i = 0; i < below.length; i++) {
      out.putLong(below[i]).putLong(at[i]);
    }
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    LogFiles.writeAtomically(directory.resolve(FILE_NAME), out.flip());
  }

  private static LogCorruptionException corrupt(Path file, String reason) {
    return new LogCorruptionException(
        "Corrupt cleaner checkpoint: file=" + file + ", reason=" + reason);
  }
}
