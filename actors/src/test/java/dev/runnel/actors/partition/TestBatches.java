package dev.runnel.actors.partition;

import dev.runnel.persistence.record.Header;
import dev.runnel.persistence.record.RecordBatch;
import dev.runnel.persistence.record.RecordBatchCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encoded producer batches for tests: record i of a batch has key "k<i>", value "<prefix>-<i>", one
 * header "h" = prefix, and timestamp {@code timestamp + i}.
 */
final class TestBatches {

  static final RecordBatchCodec CODEC = new RecordBatchCodec();

  private TestBatches() {}

  static byte[] records(String prefix, int count, long timestamp) {
    return CODEC.encode(builder(prefix, count, timestamp, RecordBatch.builder(0)).build());
  }

  /** The same, written now by an idempotent producer. */
  static byte[] idempotent(
      String prefix, int count, long producerId, short epoch, int baseSequence) {
    return idempotent(prefix, count, producerId, epoch, baseSequence, System.currentTimeMillis());
  }

  /** The same, written by an idempotent producer. */
  static byte[] idempotent(
      String prefix, int count, long producerId, short epoch, int baseSequence, long timestamp) {
    RecordBatch.Builder builder = RecordBatch.builder(0).producer(producerId, epoch, baseSequence);
    return CODEC.encode(builder(prefix, count, timestamp, builder).build());
  }

  private static RecordBatch.Builder builder(
      String prefix, int count, long timestamp, RecordBatch.Builder builder) {
    for (int i = 0; i < count; i++) {
      builder.add(
          timestamp + i,
          utf8("k" + i),
          utf8(prefix + "-" + i),
          List.of(new Header("h", utf8(prefix))));
    }
    return builder;
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
