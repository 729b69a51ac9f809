package dev.runnel.api.grpc;

import static dev.runnel.api.TestNode.awaitCondition;
import static dev.runnel.api.TestNode.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.SinkQueueWithCancel;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import com.google.rpc.ErrorInfo;
import dev.runnel.api.grpc.v1.Acks;
import dev.runnel.api.grpc.v1.Assignment;
import dev.runnel.api.grpc.v1.CommitOffsetsRequest;
import dev.runnel.api.grpc.v1.CommitOffsetsResponse;
import dev.runnel.api.grpc.v1.ConsumeGroupRequest;
import dev.runnel.api.grpc.v1.ConsumeRequest;
import dev.runnel.api.grpc.v1.ConsumeResponse;
import dev.runnel.api.grpc.v1.ConsumerRecord;
import dev.runnel.api.grpc.v1.CreateTopicRequest;
import dev.runnel.api.grpc.v1.DeleteGroupRequest;
import dev.runnel.api.grpc.v1.DeleteTopicRequest;
import dev.runnel.api.grpc.v1.DescribeGroupRequest;
import dev.runnel.api.grpc.v1.DescribeGroupResponse;
import dev.runnel.api.grpc.v1.DescribeTopicRequest;
import dev.runnel.api.grpc.v1.FetchOffsetsRequest;
import dev.runnel.api.grpc.v1.FetchOffsetsResponse;
import dev.runnel.api.grpc.v1.GroupEvent;
import dev.runnel.api.grpc.v1.GroupRecords;
import dev.runnel.api.grpc.v1.Header;
import dev.runnel.api.grpc.v1.InitProducerRequest;
import dev.runnel.api.grpc.v1.InitProducerResponse;
import dev.runnel.api.grpc.v1.ListGroupsRequest;
import dev.runnel.api.grpc.v1.ListOffsetsRequest;
import dev.runnel.api.grpc.v1.ListOffsetsResponse;
import dev.runnel.api.grpc.v1.ListTopicsRequest;
import dev.runnel.api.grpc.v1.OffsetAndMetadata;
import dev.runnel.api.grpc.v1.OffsetReset;
import dev.runnel.api.grpc.v1.OffsetSpec;
import dev.runnel.api.grpc.v1.PartitionResult;
import dev.runnel.api.grpc.v1.ProduceRequest;
import dev.runnel.api.grpc.v1.ProduceResponse;
import dev.runnel.api.grpc.v1.ProducerIdentity;
import dev.runnel.api.grpc.v1.ProducerRecord;
import dev.runnel.api.grpc.v1.ResetGroupOffsetsRequest;
import dev.runnel.api.grpc.v1.RunnelServiceClient;
import dev.runnel.api.grpc.v1.TopicDescription;
import dev.runnel.api.grpc.v1.TopicPartition;
import dev.runnel.api.remote.RemoteConnection;
import dev.runnel.api.remote.RemoteTestServer;
import dev.runnel.sharding.Partitioner;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gRPC service through the generated client, against a server in this JVM. */
class GrpcServiceTest {

  @TempDir static Path dataDir;

  private static RemoteTestServer server;
  private static RemoteConnection connection;
  private static ActorSystem<Void> clientSystem;
  private static RunnelServiceClient client;

  @BeforeAll
  static void start() {
    server = RemoteTestServer.start(dataDir);
    connection = RemoteConnection.open(server.clientConfig());
    clientSystem = connection.system();
    client = connection.client();
  }

  @AfterAll
  static void stop() {
    if (connection != null) {
      connection.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static ProducerRecord record(String key, String value) {
    ProducerRecord.Builder record = ProducerRecord.newBuilder().setValue(utf8(value));
    if (key != null) {
      record.setKey(utf8(key));
    }
    return record.build();
  }

  private static ByteString utf8(String text) {
    return ByteString.copyFrom(text, StandardCharsets.UTF_8);
  }

  private static TopicDescription createTopic(String name, int partitions) {
    return result(
        client.createTopic(
            CreateTopicRequest.newBuilder().setName(name).setPartitions(partitions).build()));
  }

  private static List<ConsumerRecord> consumeToEnd(String topic, int partition, long offset) {
    List<ConsumeResponse> responses =
        result(
            client
                .consume(
                    ConsumeRequest.newBuilder()
                        .setTopic(topic)
                        .setPartition(partition)
                        .setOffset(offset)
                        .setFollow(false)
                        .build())
                .runWith(Sink.seq(), clientSystem));
    List<ConsumerRecord> records = new ArrayList<>();
    responses.forEach(response -> records.addAll(response.getRecordsList()));
    return records;
  }

  /** The status and Runnel error code a call failed with. */
  private static StatusRuntimeException failure(CompletionStage<?> call) {
    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> call.toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof StatusRuntimeException, "failure: " + e.getCause());
    return (StatusRuntimeException) e.getCause();
  }

  private static void assertRejected(Status.Code status, String code, CompletionStage<?> call) {
    StatusRuntimeException failure = failure(call);
    assertEquals(status, failure.getStatus().getCode(), failure.toString());
    assertEquals(code, GrpcErrors.fromGrpc(failure).orElseThrow().code().name());
  }

  @Test
  void shouldProduceAndConsumeRecordsWithKeysHeadersAndNulls() {
    createTopic("plain", 1);
    ProducerRecord withHeaders =
        ProducerRecord.newBuilder()
            .setKey(utf8("k"))
            .setTimestamp(1234)
            .addHeaders(Header.newBuilder().setKey("h").setValue(utf8("v")))
            .addHeaders(Header.newBuilder().setKey("null-header"))
            .build();
    ProduceResponse produced =
        result(
            client.produce(
                ProduceRequest.newBuilder()
                    .setTopic("plain")
                    .setPartition(0)
                    .addRecords(record(null, "one"))
                    .addRecords(withHeaders)
                    .build()));

    assertEquals(1, produced.getResultsCount());
    assertEquals(0, produced.getResults(0).getBaseOffset());
    assertEquals(List.of(0, 1), produced.getResults(0).getRecordIndexesList());
    List<ConsumerRecord> records = consumeToEnd("plain", 0, 0);
    assertEquals(2, records.size());
    assertFalse(records.get(0).hasKey());
    assertEquals("one", records.get(0).getValue().toStringUtf8());
    ConsumerRecord second = records.get(1);
    assertEquals(1, second.getOffset());
    assertEquals(1234, second.getTimestamp());
    assertEquals("k", second.getKey().toStringUtf8());
    assertFalse(second.hasValue(), "a tombstone has no value");
    assertEquals("v", second.getHeaders(0).getValue().toStringUtf8());
    assertFalse(second.getHeaders(1).hasValue());
    assertEquals(1, consumeToEnd("plain", 0, 1).size(), "starts at the offset asked for");
  }

  @Test
  void shouldPlaceRecordsByKeyWithKafkasPartitioner() {
    createTopic("keyed", 4);
    ProduceRequest.Builder request = ProduceRequest.newBuilder().setTopic("keyed").setPartition(-1);
    for (int i = 0; i < 20; i++) {
      request.addRecords(record("key-" + i, "v" + i));
    }
    ProduceResponse produced = result(client.produce(request.build()));

    int placed = 0;
    for (PartitionResult result : produced.getResultsList()) {
      for (int index : result.getRecordIndexesList()) {
        byte[] key = ("key-" + index).getBytes(StandardCharsets.UTF_8);
        assertEquals(Partitioner.partitionForKey(key, 4), result.getPartition());
        placed++;
      }
      List<ConsumerRecord> stored = consumeToEnd("keyed", result.getPartition(), 0);
      assertEquals(result.getRecordIndexesCount(), stored.size());
    }
    assertEquals(20, placed);
  }

  @Test
  void shouldWriteAnIdempotentBatchOnceWhenSentAgain() {
    createTopic("idempotent", 1);
    InitProducerResponse producer =
        result(client.initProducer(InitProducerRequest.getDefaultInstance()));
    ProduceRequest batch =
        ProduceRequest.newBuilder()
            .setTopic("idempotent")
            .setPartition(0)
            .setProducer(
                ProducerIdentity.newBuilder()
                    .setProducerId(producer.getProducerId())
                    .setProducerEpoch(producer.getProducerEpoch())
                    .setBaseSequence(0))
            .addRecords(record(null, "a"))
            .addRecords(record(null, "b"))
            .build();

    long first = result(client.produce(batch)).getResults(0).getBaseOffset();
    long again = result(client.produce(batch)).getResults(0).getBaseOffset();

    assertEquals(first, again);
    assertEquals(2, consumeToEnd("idempotent", 0, 0).size());
    ProduceRequest gap =
        batch.toBuilder().setProducer(batch.getProducer().toBuilder().setBaseSequence(5)).build();
    assertRejected(
        Status.Code.FAILED_PRECONDITION, "OUT_OF_ORDER_SEQUENCE_NUMBER", client.produce(gap));
  }

  @Test
  void shouldAnswerEveryBatchOfAStreamInOrderAndReportFailedOnes() {
    createTopic("streamed", 1);
    List<ProduceRequest> batches = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      batches.add(
          ProduceRequest.newBuilder()
              .setTopic(i == 10 ? "no-such-topic" : "streamed")
              .setPartition(0)
              .addRecords(record(null, "r" + i))
              .build());
    }
    List<ProduceResponse> acks =
        result(client.produceStream(Source.from(batches)).runWith(Sink.seq(), clientSystem));

    assertEquals(30, acks.size());
    long expected = 0;
    for (int i = 0; i < 30; i++) {
      if (i == 10) {
        assertEquals("UNKNOWN_TOPIC_OR_PARTITION", acks.get(i).getError().getCode());
        continue;
      }
      assertEquals(expected++, acks.get(i).getResults(0).getBaseOffset(), "ack " + i);
    }
  }

  @Test
  void shouldRejectBadRequestsWithoutWritingAnything() {
    createTopic("guarded", 2);
    ProduceRequest good =
        ProduceRequest.newBuilder()
            .setTopic("guarded")
            .setPartition(0)
            .addRecords(record(null, "x"))
            .build();

    assertRejected(
        Status.Code.NOT_FOUND,
        "UNKNOWN_TOPIC_OR_PARTITION",
        client.produce(good.toBuilder().setTopic("missing").build()));
    assertRejected(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_REQUEST",
        client.produce(good.toBuilder().setPartition(-2).build()));
    assertRejected(
        Status.Code.NOT_FOUND,
        "UNKNOWN_TOPIC_OR_PARTITION",
        client.produce(good.toBuilder().setPartition(2).build()));
    assertRejected(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_REQUEST",
        client.produce(good.toBuilder().clearRecords().build()));
    assertRejected(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_REQUEST",
        client.produce(
            good.toBuilder()
                .setRecords(0, record(null, "x").toBuilder().setTimestamp(-5))
                .build()));
    assertRejected(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_REQUEST",
        client.produce(
            good.toBuilder()
                .setAcks(Acks.ACKS_NONE)
                .setProducer(ProducerIdentity.newBuilder().setProducerId(1))
                .build()));
    byte[] big = new byte[1_200_000];
    assertRejected(
        Status.Code.INVALID_ARGUMENT,
        "RECORD_TOO_LARGE",
        client.produce(
            good.toBuilder()
                .setRecords(0, ProducerRecord.newBuilder().setValue(ByteString.copyFrom(big)))
                .build()));
    assertRejected(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_REQUEST",
        client
            .consume(ConsumeRequest.newBuilder().setTopic("guarded").setPartition(-1).build())
            .runWith(Sink.seq(), clientSystem));
    assertRejected(
        Status.Code.OUT_OF_RANGE,
        "OFFSET_OUT_OF_RANGE",
        client
            .consume(
                ConsumeRequest.newBuilder()
                    .setTopic("guarded")
                    .setPartition(0)
                    .setOffset(7)
                    .build())
            .runWith(Sink.seq(), clientSystem));

    ListOffsetsResponse offsets =
        result(client.listOffsets(ListOffsetsRequest.newBuilder().setTopic("guarded").build()));
    assertEquals(0, offsets.getOffsets(0).getOffset(), "nothing was written");
    assertEquals(0, offsets.getOffsets(1).getOffset(), "nothing was written");
  }

  @Test
  void shouldCarryTheErrorCodeAsAStockClientReadsIt() throws Exception {
    StatusRuntimeException failure =
        failure(client.describeTopic(DescribeTopicRequest.newBuilder().setName("absent").build()));

    com.google.rpc.Status details = StatusProto.fromThrowable(failure);
    ErrorInfo info = details.getDetails(0).unpack(ErrorInfo.class);
    assertEquals("UNKNOWN_TOPIC_OR_PARTITION", info.getReason());
    assertEquals(GrpcErrors.DOMAIN, info.getDomain());
  }

  @Test
  void shouldAdministerTopics() {
    TopicDescription created =
        result(
            client.createTopic(
                CreateTopicRequest.newBuilder()
                    .setName("admin")
                    .setPartitions(3)
                    .putConfigs("retention.ms", "60000")
                    .build()));
    assertEquals(3, created.getPartitions());
    assertEquals("60000", created.getConfigsMap().get("retention.ms"));
    assertTrue(
        result(client.listTopics(ListTopicsRequest.getDefaultInstance()))
            .getNamesList()
            .contains("admin"));
    assertRejected(
        Status.Code.ALREADY_EXISTS,
        "TOPIC_ALREADY_EXISTS",
        client.createTopic(
            CreateTopicRequest.newBuilder().setName("admin").setPartitions(1).build()));
    assertRejected(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_TOPIC_EXCEPTION",
        client.createTopic(CreateTopicRequest.newBuilder().setName("bad name!").build()));

    result(client.deleteTopic(DeleteTopicRequest.newBuilder().setName("admin").build()));
    assertFalse(
        result(client.listTopics(ListTopicsRequest.getDefaultInstance()))
            .getNamesList()
            .contains("admin"));
  }

  @Test
  void shouldFindOffsetsByTime() {
    createTopic("timed", 1);
    ProduceRequest.Builder request = ProduceRequest.newBuilder().setTopic("timed").setPartition(0);
    for (int i = 0; i < 5; i++) {
      request.addRecords(record(null, "t" + i).toBuilder().setTimestamp(1000L * (i + 1)));
    }
    result(client.produce(request.build()));

    List<ConsumeResponse> fromTime =
        result(
            client
                .consume(
                    ConsumeRequest.newBuilder()
                        .setTopic("timed")
                        .setTimestamp(2500)
                        .setFollow(false)
                        .build())
                .runWith(Sink.seq(), clientSystem));
    assertEquals(2, fromTime.get(0).getRecords(0).getOffset(), "the first record at 3000");
    List<ConsumeResponse> fromEnd =
        result(
            client
                .consume(
                    ConsumeRequest.newBuilder()
                        .setTopic("timed")
                        .setSpec(OffsetSpec.OFFSET_SPEC_LATEST)
                        .setFollow(false)
                        .build())
                .runWith(Sink.seq(), clientSystem));
    assertTrue(fromEnd.isEmpty());
  }

  /** A ConsumeGroup call read one event at a time, remembering what its member holds. */
  private static final class GroupStream {
    private final String groupId;
    private final SinkQueueWithCancel<GroupEvent> events;
    private Assignment assignment = Assignment.getDefaultInstance();
    private final List<GroupRecords> records = new ArrayList<>();

    GroupStream(String group, String topic) {
      this(
          ConsumeGroupRequest.newBuilder()
              .setGroupId(group)
              .addTopics(topic)
              .setReset(OffsetReset.OFFSET_RESET_EARLIEST)
              .build());
    }

    GroupStream(ConsumeGroupRequest request) {
      groupId = request.getGroupId();
      events = client.consumeGroup(request).runWith(Sink.queue(), clientSystem);
    }

    /** Reads events until the member holds {@code count} partitions; answers them. */
    Set<TopicPartition> awaitHolding(int count) {
      while (assignment.getPartitionsCount() != count) {
        GroupEvent event = result(events.pull()).orElseThrow();
        if (event.hasAssignment()) {
          assignment = event.getAssignment();
        } else if (event.hasRecords()) {
          records.add(event.getRecords());
        }
      }
      return Set.copyOf(assignment.getPartitionsList());
    }

    /** Reads events until {@code count} records came; answers their values. */
    List<String> awaitRecords(int count) {
      List<String> values = new ArrayList<>();
      while (true) {
        records.forEach(
            batch -> batch.getRecordsList().forEach(r -> values.add(r.getValue().toStringUtf8())));
        records.clear();
        if (values.size() >= count) {
          return values;
        }
        GroupEvent event = result(events.pull()).orElseThrow();
        if (event.hasAssignment()) {
          assignment = event.getAssignment();
        } else if (event.hasRecords()) {
          records.add(event.getRecords());
        }
      }
    }

    CompletionStage<CommitOffsetsResponse> commit(String topic, long offset) {
      return commitAs(groupId, assignment, topic, offset);
    }
  }

  private static void produceTo(String topic, int partition, String... values) {
    ProduceRequest.Builder request =
        ProduceRequest.newBuilder().setTopic(topic).setPartition(partition);
    for (String value : values) {
      request.addRecords(record(null, value));
    }
    result(client.produce(request.build()));
  }

  @Test
  void shouldSharePartitionsAmongGroupStreamsAndGiveThemAllToTheOneLeft() {
    createTopic("shared", 4);
    for (int p = 0; p < 4; p++) {
      produceTo("shared", p, "v" + p);
    }
    GroupStream first = new GroupStream("sharing", "shared");
    assertEquals(4, first.awaitHolding(4).size());
    assertEquals(Set.of("v0", "v1", "v2", "v3"), Set.copyOf(first.awaitRecords(4)));

    GroupStream second = new GroupStream("sharing", "shared");
    Set<TopicPartition> secondHolds = second.awaitHolding(2);
    Set<TopicPartition> firstHolds = first.awaitHolding(2);
    Set<TopicPartition> all = new HashSet<>(firstHolds);
    all.addAll(secondHolds);
    assertEquals(4, all.size(), "disjoint and covering: " + firstHolds + " " + secondHolds);
    assertEquals(2, second.awaitRecords(2).size(), "the moved partitions read from the start");
    assertRejected(
        Status.Code.FAILED_PRECONDITION,
        "FENCED_MEMBER_EPOCH",
        commitAs(
            "sharing",
            first.assignment,
            "shared",
            secondHolds.iterator().next().getPartition(),
            1));

    second.events.cancel();
    assertEquals(4, first.awaitHolding(4).size());
    first.events.cancel();
  }

  @Test
  void shouldAssignEveryTopicAPatternMatchesAlsoOnesCreatedLater() {
    createTopic("pattern-a", 1);
    createTopic("unmatched-pattern-b", 1);
    GroupStream member =
        new GroupStream(
            ConsumeGroupRequest.newBuilder()
                .setGroupId("patterned")
                .setTopicPattern("pattern-.*")
                .setReset(OffsetReset.OFFSET_RESET_EARLIEST)
                .build());
    assertEquals(
        Set.of(TopicPartition.newBuilder().setTopic("pattern-a").setPartition(0).build()),
        member.awaitHolding(1));

    createTopic("pattern-c", 2);
    Set<TopicPartition> held = member.awaitHolding(3);
    assertEquals(
        Set.of("pattern-a", "pattern-c"),
        held.stream().map(TopicPartition::getTopic).collect(Collectors.toSet()));
    produceTo("pattern-c", 1, "late");
    assertEquals(List.of("late"), member.awaitRecords(1));
    member.events.cancel();

    ConsumeGroupRequest good =
        ConsumeGroupRequest.newBuilder().setGroupId("patterned").setTopicPattern("x.*").build();
    for (ConsumeGroupRequest bad :
        List.of(
            good.toBuilder().setTopicPattern("pattern-(").build(),
            good.toBuilder().addTopics("pattern-a").build(),
            good.toBuilder().clearTopicPattern().build())) {
      assertRejected(
          Status.Code.INVALID_ARGUMENT,
          "INVALID_REQUEST",
          client.consumeGroup(bad).runWith(Sink.seq(), clientSystem));
    }
  }

  @Test
  void shouldResumeFromCommittedOffsetsFenceStaleCommitsAndAdministerGroups() {
    createTopic("resume", 1);
    produceTo("resume", 0, "r0", "r1", "r2");
    GroupStream first = new GroupStream("resumers", "resume");
    first.awaitHolding(1);
    assertEquals(List.of("r0", "r1", "r2"), first.awaitRecords(3));
    result(first.commit("resume", 2));
    Assignment old = first.assignment;
    assertRejected(
        Status.Code.FAILED_PRECONDITION,
        "ILLEGAL_GENERATION",
        commitAs(
            "resumers",
            old.toBuilder().setGenerationId(old.getGenerationId() + 5).build(),
            "resume",
            3));
    DescribeGroupResponse busy =
        result(
            client.describeGroup(DescribeGroupRequest.newBuilder().setGroupId("resumers").build()));
    assertEquals(1, busy.getMembersCount());
    assertEquals(
        List.of(TopicPartition.newBuilder().setTopic("resume").build()),
        busy.getMembers(0).getAssignmentList());
    assertEquals(old.getMemberId(), busy.getMembers(0).getMemberId());
    assertEquals(2, busy.getOffsets(0).getOffset());
    assertEquals(1, busy.getOffsets(0).getLag());
    assertRejected(
        Status.Code.FAILED_PRECONDITION,
        "NON_EMPTY_GROUP",
        client.resetGroupOffsets(
            ResetGroupOffsetsRequest.newBuilder()
                .setGroupId("resumers")
                .setTopic("resume")
                .setSpec(OffsetSpec.OFFSET_SPEC_EARLIEST)
                .build()));
    first.events.cancel();

    GroupStream second = new GroupStream("resumers", "resume");
    second.awaitHolding(1);
    assertEquals(List.of("r2"), second.awaitRecords(1), "resumes at the committed offset");
    assertRejected(
        Status.Code.FAILED_PRECONDITION,
        "UNKNOWN_MEMBER_ID",
        commitAs("resumers", old, "resume", 3));
    result(second.commit("resume", 3));
    second.events.cancel();

    DescribeGroupRequest describe =
        DescribeGroupRequest.newBuilder().setGroupId("resumers").build();
    awaitCondition(
        () -> result(client.describeGroup(describe)).getMembersCount() == 0,
        Duration.ofSeconds(30));
    DescribeGroupResponse empty = result(client.describeGroup(describe));
    assertEquals("EMPTY", empty.getState());
    assertTrue(
        result(client.listGroups(ListGroupsRequest.getDefaultInstance())).getGroupsList().stream()
            .anyMatch(g -> g.getGroupId().equals("resumers") && g.getState().equals("EMPTY")));
    FetchOffsetsResponse fetched =
        result(
            client.fetchOffsets(FetchOffsetsRequest.newBuilder().setGroupId("resumers").build()));
    assertEquals(3, fetched.getOffsets(0).getOffset());
    assertEquals(3, fetched.getOffsets(0).getHighWatermark());
    assertEquals(0, fetched.getOffsets(0).getLag());

    ResetGroupOffsetsRequest.Builder reset =
        ResetGroupOffsetsRequest.newBuilder().setGroupId("resumers").setTopic("resume");
    assertEquals(
        0,
        result(
                client.resetGroupOffsets(
                    reset.setSpec(OffsetSpec.OFFSET_SPEC_EARLIEST).setDryRun(true).build()))
            .getOffsets(0)
            .getOffset());
    assertEquals(
        3,
        result(client.fetchOffsets(FetchOffsetsRequest.newBuilder().setGroupId("resumers").build()))
            .getOffsets(0)
            .getOffset(),
        "a dry run commits nothing");
    assertEquals(
        0,
        result(client.resetGroupOffsets(reset.setDryRun(false).build())).getOffsets(0).getOffset());
    assertEquals(
        3,
        result(client.resetGroupOffsets(reset.setTimestamp(Long.MAX_VALUE / 2).build()))
            .getOffsets(0)
            .getOffset());
    assertEquals(
        1, result(client.resetGroupOffsets(reset.setOffset(1).build())).getOffsets(0).getOffset());
    assertEquals(
        1,
        result(client.fetchOffsets(FetchOffsetsRequest.newBuilder().setGroupId("resumers").build()))
            .getOffsets(0)
            .getOffset());

    result(client.deleteGroup(DeleteGroupRequest.newBuilder().setGroupId("resumers").build()));
    assertFalse(
        result(client.listGroups(ListGroupsRequest.getDefaultInstance())).getGroupsList().stream()
            .anyMatch(g -> g.getGroupId().equals("resumers")));
    assertRejected(
        Status.Code.NOT_FOUND,
        "GROUP_ID_NOT_FOUND",
        client.deleteGroup(DeleteGroupRequest.newBuilder().setGroupId("resumers").build()));
    assertRejected(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_GROUP_ID",
        client.describeGroup(DescribeGroupRequest.newBuilder().setGroupId("no way").build()));
    assertRejected(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_GROUP_ID",
        client
            .consumeGroup(
                ConsumeGroupRequest.newBuilder().setGroupId("no way").addTopics("resume").build())
            .runWith(Sink.seq(), clientSystem));
  }

  private static CompletionStage<CommitOffsetsResponse> commitAs(
      String group, Assignment member, String topic, long offset) {
    return commitAs(group, member, topic, 0, offset);
  }

  private static CompletionStage<CommitOffsetsResponse> commitAs(
      String group, Assignment member, String topic, int partition, long offset) {
    return client.commitOffsets(
        CommitOffsetsRequest.newBuilder()
            .setGroupId(group)
            .setMemberId(member.getMemberId())
            .setGenerationId(member.getGenerationId())
            .addOffsets(
                OffsetAndMetadata.newBuilder()
                    .setPartition(
                        TopicPartition.newBuilder().setTopic(topic).setPartition(partition))
                    .setOffset(offset))
            .build());
  }
}
