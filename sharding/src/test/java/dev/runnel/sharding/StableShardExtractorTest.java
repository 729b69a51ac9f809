package dev.runnel.sharding;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.cluster.sharding.typed.ShardingEnvelope;
import dev.runnel.actors.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class StableShardExtractorTest {

  @Test
  void shouldHashTheEntityIdBytesWithKafkasMurmur2() {
    StableShardExtractor<String> extractor = new StableShardExtractor<>(100);
    for (int n = 0; n < 500; n++) {
      String entityId = new TopicPartition("événements.clicks", n).entityId();
      int expected = Utils.toPositive(Utils.murmur2(entityId.getBytes(UTF_8))) % 100;
      assertEquals(Integer.toString(expected), extractor.shardId(entityId), entityId);
    }
  }

  @Test
  void shouldKeepTheShardsOfKnownIdsForEver() {
    // Pinned: a change here would move partitions of running clusters to other shards.
    assertEquals("23", StableShardExtractor.shardId("orders-0", 100));
    assertEquals("95", StableShardExtractor.shardId("orders-1", 100));
    assertEquals("75", StableShardExtractor.shardId("clicks-42", 100));
    assertEquals("796", StableShardExtractor.shardId("a-0", 1000));
  }

  @Test
  void shouldUnwrapTheEnvelopeEntityRefSends() {
    StableShardExtractor<String> extractor = new StableShardExtractor<>(10);
    ShardingEnvelope<String> envelope = new ShardingEnvelope<>("orders-3", "hello");
    assertEquals("orders-3", extractor.entityId(envelope));
    assertEquals("hello", extractor.unwrapMessage(envelope));
  }

  @Test
  void shouldRefuseFewerThanOneShard() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new StableShardExtractor<>(0));
    assertEquals("Invalid shard count: numberOfShards=0", e.getMessage());
  }
}
