package dev.runnel.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.actors.TopicPartition;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.partition.OffsetSpec;
import dev.runnel.api.admin.ListOffsetsResultInfo;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.admin.TopicDescription;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin of an embedded node; {@link RemoteAdminTest} runs the same tests against a server. */
class AdminTest {

  @TempDir static Path dataDir;
  static Runnel runnel;
  static RunnelAdmin admin;

  @BeforeAll
  static void startNode() {
    runnel = TestNode.start(dataDir);
    admin = runnel.admin();
  }

  @AfterAll
  static void stopNode() {
    runnel.close();
  }

  @Test
  void shouldCreateDescribeAlterGrowListAndDeleteTopics() {
    TopicDescription created =
        TestNode.result(
            admin.createTopic(new NewTopic("admin-a", 2).withConfig("retention.ms", "60000")));
    assertEquals(2, created.partitionCount());
    assertEquals("60000", created.configs().get("retention.ms"));
    assertEquals(
        created, TestNode.result(admin.describeTopic("admin-a")), "visible at once on this node");
    assertEquals(1, TestNode.result(admin.createTopic(new NewTopic("admin-b"))).partitionCount());

    TopicDescription altered =
        TestNode.result(
            admin.alterTopicConfig(
                "admin-a", Map.of("max.message.bytes", "2048"), Set.of("retention.ms")));
    assertEquals("2048", altered.configs().get("max.message.bytes"));
    assertEquals("604800000", altered.configs().get("retention.ms"));
    assertEquals(5, TestNode.result(admin.createPartitions("admin-a", 5)).partitionCount());
    assertTrue(TestNode.result(admin.listTopics()).containsAll(Set.of("admin-a", "admin-b")));

    TestNode.result(admin.deleteTopic("admin-b"));
    assertFalse(TestNode.result(admin.listTopics()).contains("admin-b"));
  }

  @Test
  void shouldRefuseWithNamedErrors() {
    TestNode.result(admin.createTopic(new NewTopic("admin-dup", 1)));
    TestNode.assertFails(
        ErrorCode.TOPIC_ALREADY_EXISTS, admin.createTopic(new NewTopic("admin-dup", 1)));
    TestNode.assertFails(
        ErrorCode.INVALID_TOPIC_EXCEPTION, admin.createTopic(new NewTopic("no spaces", 1)));
    TestNode.assertFails(
        ErrorCode.INVALID_PARTITIONS, admin.createTopic(new NewTopic("admin-zero", 0)));
    TestNode.assertFails(
        ErrorCode.INVALID_CONFIG,
        admin.createTopic(new NewTopic("admin-bad", 1).withConfig("retention.ms", "soon")));
    TestNode.assertFails(ErrorCode.INVALID_PARTITIONS, admin.createPartitions("admin-dup", 1));
    TestNode.assertFails(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, admin.describeTopic("missing"));
    TestNode.assertFails(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, admin.deleteTopic("missing"));
    TestNode.assertFails(
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        admin.listOffsets(new TopicPartition("admin-dup", 1), OffsetSpec.latest()));
  }

  @Test
  void shouldListTheOffsetsOfAnEmptyPartition() {
    TestNode.result(admin.createTopic(new NewTopic("admin-offsets", 1)));
    TopicPartition tp = new TopicPartition("admin-offsets", 0);

    assertEquals(
        new ListOffsetsResultInfo(0, -1),
        TestNode.result(admin.listOffsets(tp, OffsetSpec.earliest())));
    assertEquals(
        new ListOffsetsResultInfo(0, -1),
        TestNode.result(admin.listOffsets(tp, OffsetSpec.latest())));
    assertEquals(
        new ListOffsetsResultInfo(-1, -1),
        TestNode.result(admin.listOffsets(tp, OffsetSpec.forTimestamp(0))));
  }
}
