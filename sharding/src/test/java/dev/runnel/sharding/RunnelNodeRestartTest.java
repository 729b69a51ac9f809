package dev.runnel.sharding;

import static dev.runnel.sharding.TestNodes.WAIT;
import static dev.runnel.sharding.TestNodes.append;
import static dev.runnel.sharding.TestNodes.batch;
import static dev.runnel.sharding.TestNodes.createTopic;
import static dev.runnel.sharding.TestNodes.read;
import static dev.runnel.sharding.TestNodes.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.persistence.record.Record;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node stopped and started again on the same storage ({@link RunnelNodeRestartJdbcTest}). */
class RunnelNodeRestartTest {

  @TempDir Path dir;

  /** The storage settings the nodes start with; none for the default, the segment storage. */
  Config storage() {
    return ConfigFactory.empty();
  }

  @Test
  void shouldKeepTopicsAndRecordsAcrossARestartOnTheSameDataDirectory() {
    TopicPartition tp = new TopicPartition("kept", 1);
    TopicMetadata created;
    try (RunnelNode first = TestNodes.start(storage(), dir)) {
      created = createTopic(first, "kept", 2);
      append(first, tp, batch("a", "b"));
      append(first, tp, batch("c"));
    }

    try (RunnelNode second = TestNodes.start(storage(), dir)) {
      assertEquals(created, TestNodes.await(second.topics().await("kept", m -> true, WAIT)));
      List<Record> records = read(second, tp, 0, 3);
      assertEquals(
          List.of("value-of-a", "value-of-b", "value-of-c"),
          records.stream().map(r -> text(r.value())).toList());
      assertEquals(3, append(second, tp, batch("d")).baseOffset(), "offsets go on");
    }
  }
}
