package dev.runnel.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.persistence.journal.JournalEntryCodec.StoredEvent;
import dev.runnel.persistence.log.CompactionPolicy;
import dev.runnel.persistence.log.LogEntry;
import dev.runnel.persistence.log.LogStore;
import dev.runnel.persistence.record.CompressionCodec;
import dev.runnel.persistence.record.Record;
import dev.runnel.persistence.record.RecordBatch;
import dev.runnel.persistence.record.RecordBatchCodec;
import dev.runnel.persistence.serialization.SerializedValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A keyed log written as a partition writes it: journal entries of record-batch events, with a
 * model of what it must hold (the latest value per live key) and a reader that checks the log
 * against the model. Used by the compaction tests and the crash test's child JVM.
 */
final class CompactedLogs {

  static final int SERIALIZER_ID = 7310;
  static final String MANIFEST = "B1";
  static final RecordBatchEvents EVENTS = new RecordBatchEvents(SERIALIZER_ID, MANIFEST);
  static final RecordBatchCodec CODEC = new RecordBatchCodec();

  private CompactedLogs() {}

  /** Compaction as a topic's defaults would set it, with the given tombstone retention. */
  static CompactionPolicy policy(double dirtyRatio, long deleteRetentionMs) {
    return new CompactionPolicy(EVENTS, 0, Long.MAX_VALUE, dirtyRatio, deleteRetentionMs);
  }

  /** A record to write: a null value is a tombstone, a null key a keyless record. */
  record Put(String key, String value) {}

  /**
   * Writes entries and keeps the model: the latest value and offset of each live key, the next
   * sequence number and the next offset.
   */
  static final class Writer {
    final String persistenceId;
    final Map<String, String> latest = new HashMap<>();
    final Map<String, Long> latestOffset = new HashMap<>();
    long nextSequenceNr = 1;
    long nextOffset;

    Writer(String persistenceId) {
      this.persistenceId = persistenceId;
    }

    /**
     * The entry holding one event per batch, each batch holding the given records, stamped {@code
     * timestamp}; the model is updated as if it were written.
     */
    LogEntry entry(List<List<Put>> batches, long timestamp, CompressionCodec codec) {
      List<StoredEvent> events = new ArrayList<>();
      long first = nextSequenceNr;
      for (List<Put> puts : batches) {
        RecordBatch.Builder builder = RecordBatch.builder(nextOffset).compression(codec);
        for (Put put : puts) {
          builder.add(timestamp, bytes(put.key()), bytes(put.value()));
          if (put.key() != null) {
            if (put.value() == null) {
              latest.remove(put.key());
              latestOffset.remove(put.key());
            } else {
              latest.put(put.key(), put.value());
              latestOffset.put(put.key(), nextOffset);
            }
          }
          nextOffset++;
        }
        events.add(
            new StoredEvent(
                nextSequenceNr++,
                timestamp,
                "writer",
                "",
                SerializedValue.of(SERIALIZER_ID, MANIFEST, CODEC.encode(builder.build())),
                null));
      }
      return new LogEntry(first, events.size(), timestamp, JournalEntryCodec.encodeEvents(events));
    }
  }

  /** What a full read of the log shows. */
  record Contents(
      Map<String, String> latest,
      Map<String, Long> latestOffset,
      long entries,
      long records,
      long highestSequenceNr,
      long nextOffset,
      List<Record> allRecords,
      List<Long> recordSequenceNrs) {}

  /**
   * Reads the whole log and checks what must hold whatever was cleaned: every sequence number once
   * and in order, batches covering consecutive offsets, record offsets only growing; folds the
   * records into the latest value per key (a tombstone removes its key).
   */
  static Contents read(LogStore store, String persistenceId, String facts) {
    List<LogEntry> entries =
        store.read(persistenceId, 1, Long.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);
    Map<String, String> latest = new HashMap<>();
    Map<String, Long> latestOffset = new HashMap<>();
    List<Record> all = new ArrayList<>();
    List<Long> sequenceNrs = new ArrayList<>();
    long expectedSequenceNr = 1;
    long nextOffset = 0;
    long lastRecordOffset = -1;
    for (LogEntry entry : entries) {
      assertEquals(expectedSequenceNr, entry.firstSequenceNr(), facts + ", entry sequence");
      expectedSequenceNr = entry.lastSequenceNr() + 1;
      List<StoredEvent> events = JournalEntryCodec.decodeEvents(entry);
      assertEquals(entry.count(), events.size(), facts);
      for (StoredEvent event : events) {
        RecordBatch batch = CODEC.decode(event.payload().bytes());
        assertEquals(nextOffset, batch.baseOffset(), facts + ", batch offsets contiguous");
        nextOffset = batch.lastOffset() + 1;
        for (Record record : batch.records()) {
          assertTrue(record.offset() > lastRecordOffset, facts + ", offsets only grow");
          lastRecordOffset = record.offset();
          all.add(record);
          sequenceNrs.add(event.sequenceNr());
          String key = string(record.key());
          if (key == null) {
            continue;
          }
          if (record.value() == null) {
            latest.remove(key);
            latestOffset.remove(key);
          } else {
            latest.put(key, string(record.value()));
            latestOffset.put(key, record.offset());
          }
        }
      }
    }
    return new Contents(
        latest,
        latestOffset,
        entries.size(),
        all.size(),
        expectedSequenceNr - 1,
        nextOffset,
        all,
        sequenceNrs);
  }

  /** Checks a full read against the writer's model. */
  static Contents verify(LogStore store, Writer writer, String facts) {
    Contents contents = read(store, writer.persistenceId, facts);
    assertEquals(writer.nextSequenceNr - 1, contents.highestSequenceNr(), facts + ", entries");
    assertEquals(writer.nextOffset, contents.nextOffset(), facts + ", next offset");
    assertEquals(writer.latest, contents.latest(), facts + ", latest value per key");
    assertEquals(writer.latestOffset, contents.latestOffset(), facts + ", latest offsets");
    return contents;
  }

  /** Checks that among the records of entries below {@code firstDirty} no key appears twice. */
  static void assertCleanedBelow(Contents contents, long firstDirty, String facts) {
    Map<String, Long> seen = new HashMap<>();
    for (int i = 0; i < contents.allRecords().size(); i++) {
      Record record = contents.allRecords().get(i);
      if (contents.recordSequenceNrs().get(i) >= firstDirty) {
        break;
      }
      assertTrue(record.key() != null, facts + ", keyless record left in the clean part");
      Long previous = seen.put(string(record.key()), record.offset());
      assertTrue(
          previous == null,
          facts
              + ", key twice in the clean part: key="
              + string(record.key())
              + ", offsets="
              + previous
              + ","
              + record.offset());
    }
  }

  static byte[] bytes(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  static String string(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }
}
