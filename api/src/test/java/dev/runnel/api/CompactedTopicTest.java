package dev.runnel.api;

import static dev.runnel.api.TestNode.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.stream.javadsl.Sink;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.consumer.AutoOffsetReset;
import dev.runnel.api.consumer.Consumer;
import dev.runnel.api.consumer.ConsumerRecord;
import dev.runnel.api.consumer.ConsumerSettings;
import dev.runnel.api.consumer.Subscriptions;
import dev.runnel.api.producer.ProducerRecord;
import dev.runnel.api.producer.ProducerSettings;
import dev.runnel.api.producer.RecordMetadata;
import dev.runnel.api.producer.RunnelProducer;
import dev.runnel.api.serialization.Serdes;
import dev.runnel.persistence.journal.SegmentStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example of docs/compaction.md end to end: a service keeps its accounts' latest state in a
 * compacted topic and rebuilds it on start by reading the topic from the earliest offset; after the
 * log was cleaned the rebuild reads fewer records and ends with exactly the latest state of every
 * open account.
 */
class CompactedTopicTest {

  private static final TopicPartition ACCOUNTS = new TopicPartition("accounts", 0);

  @TempDir Path dataDir;

  /** The service of the example: its accounts' state, rebuilt from the topic. */
  static final class Accounts {
    final Map<String, String> balances = new ConcurrentHashMap<>();
    final RunnelProducer<String, String> producer;

    Accounts(Runnel runnel) {
      producer =
          runnel.producer(
              ProducerSettings.create(
                  runnel, Serdes.String().serializer(), Serdes.String().serializer()));
    }

    static void createTopic(Runnel runnel) {
      result(
          runnel
              .admin()
              .createTopic(
                  new NewTopic("accounts", 1)
                      .configs(
                          Map.of(
                              "cleanup.policy", "compact",
                              "segment.bytes", "1048576",
                              "delete.retention.ms", "0"))));
    }

    /** Reads the topic from its start up to {@code lastOffset}, applying every record. */
    int rebuild(Runnel runnel, long lastOffset) {
      List<ConsumerRecord<String, String>> records =
          result(
              Consumer.plainSource(
                      ConsumerSettings.create(
                              runnel,
                              Serdes.String().deserializer(),
                              Serdes.String().deserializer())
                          .withAutoOffsetReset(AutoOffsetReset.EARLIEST),
                      Subscriptions.assignment(ACCOUNTS))
                  .takeWhile(record -> record.offset() < lastOffset, true)
                  .runWith(Sink.seq(), runnel.system()));
      records.forEach(this::apply);
      return records.size();
    }

    void apply(ConsumerRecord<String, String> record) {
      if (record.value() == null) {
        balances.remove(record.key());
      } else {
        balances.put(record.key(), record.value());
      }
    }

    CompletionStage<RecordMetadata> update(String accountId, String state) {
      return producer.send(new ProducerRecord<>("accounts", accountId, state));
    }

    CompletionStage<RecordMetadata> close(String accountId) {
      return producer.send(new ProducerRecord<>("accounts", accountId, null));
    }
  }

  @Test
  void shouldRebuildTheLatestStateOfEveryAccountFromTheCompactedTopic() {
    Map<String, String> expected = new HashMap<>();
    long lastOffset;
    int records;
    try (Runnel runnel = TestNode.start(dataDir)) {
      Accounts.createTopic(runnel);
      Accounts accounts = new Accounts(runnel);
      assertEquals(
          ErrorCode.INVALID_RECORD,
          TestNode.assertFails(
                  ErrorCode.INVALID_RECORD,
                  accounts.producer.send(new ProducerRecord<>("accounts", "no key")))
              .code());
      String padding = "x".repeat(400);
      List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
      for (int i = 0; i < 3_000; i++) {
        String account = "account-" + (i % 50);
        expected.put(account, i + padding);
        sends.add(accounts.update(account, i + padding).toCompletableFuture());
      }
      for (int i = 0; i < 10; i++) {
        expected.remove("account-" + i);
        sends.add(accounts.close("account-" + i).toCompletableFuture());
      }
      sends.add(accounts.update("account-49", "final").toCompletableFuture());
      expected.put("account-49", "final");
      result(CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)));
      lastOffset = sends.get(sends.size() - 1).join().offset();
      records = sends.size();
      // The background cleaner may have been first; then there is nothing left to clean.
      SegmentStorage.get(runnel.system())
          .storage("runnel.persistence.journal")
          .store()
          .clean(ACCOUNTS.persistenceId());
    }
    // The service starts again on the same data and rebuilds its state.
    try (Runnel runnel = TestNode.start(dataDir)) {
      Accounts accounts = new Accounts(runnel);
      int read = accounts.rebuild(runnel, lastOffset);
      assertEquals(expected, accounts.balances);
      assertTrue(read < records / 2, "compaction removed old states: read=" + read);
    }
  }
}
