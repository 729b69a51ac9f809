package dev.runnel.persistence.record;

import static dev.runnel.persistence.record.EncodedBatches.fixLengthAndCrc;
import static dev.runnel.persistence.record.RecordBatchCodec.ATTRIBUTES_OFFSET;
import static dev.runnel.persistence.record.RecordBatchCodec.BASE_OFFSET_OFFSET;
import static dev.runnel.persistence.record.RecordBatchCodec.HEADER_SIZE;
import static dev.runnel.persistence.record.RecordBatchCodec.LAST_OFFSET_DELTA_OFFSET;
import static dev.runnel.persistence.record.RecordBatchCodec.MAGIC;
import static dev.runnel.persistence.record.RecordBatchCodec.MAGIC_OFFSET;
import static dev.runnel.persistence.record.RecordBatchCodec.PRODUCER_EPOCH_OFFSET;
import static dev.runnel.persistence.record.RecordBatchCodec.PRODUCER_ID_OFFSET;
import static dev.runnel.persistence.record.RecordBatchCodec.RECORD_COUNT_OFFSET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Throws random and mutated bytes at the decoder. Whatever it is given, it must answer within the
 * time bound, throw nothing but {@link CorruptRecordBatchException}, and allocate no more than the
 * input and the cap justify. Mutations are decoded twice, as they are and with length and CRC
 * repaired, so that the record parser (and, for compressed batches, the decompressor) sees them.
 *
 * <p>The seed changes per run and is printed on failure; rerun with {@code
 * -Drunnel.fuzz.seed=<seed>} to reproduce.
 */
class RecordBatchCodecFuzzTest {

  private static final long SEED = Long.getLong("runnel.fuzz.seed", new Random().nextLong());
  private static final Duration TIME_BOUND = Duration.ofSeconds(60);
  private static final int MAX_BATCH_BYTES = 64 * 1024;

  /** Generous for object overhead per input byte, yet far below an unchecked length's demand. */
  private static final long ALLOCATION_PER_INPUT_BYTE = 256;

  private static final long ALLOCATION_ALLOWANCE = 2L * MAX_BATCH_BYTES + (1 << 20);

  private final RecordBatchCodec codec = new RecordBatchCodec(MAX_BATCH_BYTES);
  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private int decoded;
  private int refusedInRecords;

  @Test
  void shouldRefuseRandomBytesWithTheNamedExceptionOnly() {
    fuzz(
        "random bytes",
        random -> {
          for (int i = 0; i < 20_000; i++) {
            byte[] input = new byte[random.nextInt(HEADER_SIZE + 200)];
            random.nextBytes(input);
            decodeSafely(input, "random, case=" + i);
            if (input.length >= HEADER_SIZE) {
              decodeSafely(
                  plausibleHeader(input, random), "random with plausible header, case=" + i);
            }
          }
          assertTrue(refusedInRecords > 1_000, "record parser reached " + refusedInRecords);
        });
  }

  @Test
  void shouldSurviveMutatedEncodings() {
    fuzz(
        "mutated encodings",
        random -> {
          List<byte[]> samples = samples(random, CompressionCodec.values());
          for (int i = 0; i < 30_000; i++) {
            byte[] mutated = mutate(samples.get(random.nextInt(samples.size())), random, 0);
            decodeSafely(mutated, "mutated, case=" + i);
            if (mutated.length >= HEADER_SIZE) {
              decodeSafely(fixLengthAndCrc(mutated), "mutated with crc repaired, case=" + i);
            }
          }
          assertTrue(decoded > 100, "decoded " + decoded);
          assertTrue(refusedInRecords > 1_000, "record parser reached " + refusedInRecords);
        });
  }

  @Test
  void shouldSurviveMutatedRecordsBehindCompression() {
    fuzz(
        "mutated compressed records",
        random -> {
          List<byte[]> samples = samples(random, CompressionCodec.NONE);
          for (int i = 0; i < 10_000; i++) {
            byte[] mutated =
                fixLengthAndCrc(
                    mutate(samples.get(random.nextInt(samples.size())), random, HEADER_SIZE));
            CompressionCodec compression =
                random.nextBoolean() ? CompressionCodec.LZ4 : CompressionCodec.ZSTD;
            decodeSafely(
                EncodedBatches.compress(mutated, compression),
                "mutated then " + compression.configName() + ", case=" + i);
          }
          assertTrue(refusedInRecords > 1_000, "record parser reached " + refusedInRecords);
        });
  }

  private interface Fuzzing {
    void run(Random random);
  }

  private void fuzz(String what, Fuzzing fuzzing) {
    // Loads the native compression libraries before allocation is measured.
    for (CompressionCodec compression : CompressionCodec.values()) {
      RecordBatch warmUp =
          RecordBatch.builder(0).compression(compression).add(0, null, null).build();
      codec.decode(ByteBuffer.wrap(codec.encode(warmUp)));
    }
    assertTimeoutPreemptively(
        TIME_BOUND,
        () -> fuzzing.run(new Random(SEED)),
        () -> what + " did not finish in " + TIME_BOUND + ": seed=" + SEED);
  }

  /**
   * Decodes one input; fails on any throwable but the named one, on excessive allocation, and when
   * a decoded batch does not survive another round trip or {@code validate} disagrees.
   */
  private void decodeSafely(byte[] input, String description) {
    long before = threads.getCurrentThreadAllocatedBytes();
    RecordBatch batch = null;
    ByteBuffer buffer = ByteBuffer.wrap(input);
    try {
      batch = codec.decode(buffer);
    } catch (CorruptRecordBatchException e) {
      if (e.getMessage().contains("recordIndex=")) {
        refusedInRecords++;
      }
    } catch (Throwable t) {
      fail(failure(description, input) + ", unexpected=" + t, t);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    long allowed = ALLOCATION_ALLOWANCE + ALLOCATION_PER_INPUT_BYTE * input.length;
    if (allocated > allowed) {
      fail(failure(description, input) + ", allocated=" + allocated + ", allowed=" + allowed);
    }
    if (batch != null) {
      decoded++;
      // Bytes after the batch are the next batch's business: the batch ends where decode stopped.
      assertEquals(
          buffer.position(), codec.validate(ByteBuffer.wrap(input)), failure(description, input));
      assertEquals(
          batch, codec.decode(ByteBuffer.wrap(codec.encode(batch))), failure(description, input));
    }
  }

  private static String failure(String description, byte[] input) {
    return "seed="
        + SEED
        + " (rerun with -Drunnel.fuzz.seed="
        + SEED
        + "), "
        + description
        + ", input="
        + HexFormat.of().formatHex(input);
  }

  /** Random bytes behind a header that passes the header checks, to reach the record parser. */
  private static byte[] plausibleHeader(byte[] input, Random random) {
    byte[] batch = input.clone();
    ByteBuffer header = ByteBuffer.wrap(batch);
    CompressionCodec[] codecs = CompressionCodec.values();
    header
        .putLong(BASE_OFFSET_OFFSET, random.nextInt(1000))
        .put(MAGIC_OFFSET, MAGIC)
        .putShort(ATTRIBUTES_OFFSET, (short) codecs[random.nextInt(codecs.length)].id())
        .putInt(LAST_OFFSET_DELTA_OFFSET, random.nextInt(20))
        .putLong(PRODUCER_ID_OFFSET, -1)
        .putShort(PRODUCER_EPOCH_OFFSET, (short) -1)
        .putInt(PRODUCER_EPOCH_OFFSET + 2, -1)
        .putInt(RECORD_COUNT_OFFSET, random.nextInt(4));
    return fixLengthAndCrc(batch);
  }

  /** Valid encodings of small random batches with the given codecs. */
  private List<byte[]> samples(Random random, CompressionCodec... codecs) {
    List<byte[]> samples = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      RecordBatch.Builder builder =
          RecordBatch.builder(random.nextInt(1_000_000))
              .compression(codecs[i % codecs.length])
              .timestampType(
                  random.nextBoolean() ? TimestampType.CREATE_TIME : TimestampType.LOG_APPEND_TIME);
      if (random.nextBoolean()) {
        builder.producer(random.nextInt(1000), (short) random.nextInt(10), random.nextInt(1000));
      }
      int records = random.nextInt(6);
      long timestamp = random.nextLong() >> random.nextInt(64);
      for (int r = 0; r < records; r++) {
        List<Header> headers = new ArrayList<>();
        for (int h = random.nextInt(3); h > 0; h--) {
          headers.add(new Header(random.nextBoolean() ? "k" + h : "clé-" + h, bytesOrNull(random)));
        }
        builder.add(
            timestamp + random.nextInt(2000) - 1000,
            bytesOrNull(random),
            bytesOrNull(random),
            headers);
      }
      samples.add(codec.encode(builder.build()));
    }
    return samples;
  }

  private static byte[] bytesOrNull(Random random) {
    if (random.nextInt(4) == 0) {
      return null;
    }
    byte[] bytes = new byte[random.nextInt(random.nextBoolean() ? 8 : 300)];
    random.nextBytes(bytes);
    return bytes;
  }

  /** One random mutation of {@code valid} at or after {@code from}. */
  private static byte[] mutate(byte[] valid, Random random, int from) {
    if (valid.length <= from) {
      return valid.clone();
    }
    int at = from + random.nextInt(valid.length - from);
    switch (random.nextInt(6)) {
      case 0 -> {
        byte[] flipped = valid.clone();
        for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
          int position = from + random.nextInt(valid.length - from);
          flipped[position] ^= (byte) (1 << random.nextInt(8));
        }
        return flipped;
      }
      case 1 -> {
        return Arrays.copyOf(valid, at);
      }
      case 2 -> {
        byte[] inserted = new byte[1 + random.nextInt(8)];
        random.nextBytes(inserted);
        return splice(valid, at, 0, inserted);
      }
      case 3 -> {
        return splice(valid, at, Math.min(1 + random.nextInt(8), valid.length - at), new byte[0]);
      }
      case 4 -> {
        int[] huge = {Integer.MAX_VALUE, Integer.MIN_VALUE, -1, 1 << 30, random.nextInt()};
        byte[] patched = valid.clone();
        if (at + 4 <= patched.length) {
          ByteBuffer.wrap(patched).putInt(at, huge[random.nextInt(huge.length)]);
        }
        return patched;
      }
      default -> {
        // A varint-shaped length: huge positive, huge negative, over-long, or a small lie.
        String[] varints = {"feffffff0f", "ffffffff0f", "ffffffffff01", "7e", "01", "03", "8080"};
        byte[] varint = HexFormat.of().parseHex(varints[random.nextInt(varints.length)]);
        byte[] patched = valid.clone();
        System.arraycopy(varint, 0, patched, at, Math.min(varint.length, patched.length - at));
        return patched;
      }
    }
  }

  private static byte[] splice(byte[] bytes, int at, int remove, byte[] insert) {
    byte[] result = new byte[bytes.length - remove + insert.length];
    System.arraycopy(bytes, 0, result, 0, at);
    System.arraycopy(insert, 0, result, at, insert.length);
    System.arraycopy(bytes, at + remove, result, at + insert.length, bytes.length - at - remove);
    return result;
  }
}
