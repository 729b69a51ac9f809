package dev.runnel.api.grpc;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.japi.Pair;
import akka.stream.BoundedSourceQueue;
import akka.stream.QueueOfferResult;
import akka.stream.SharedKillSwitch;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.group.CommitReply;
import dev.runnel.actors.group.GroupCommand.CommitOffsets;
import dev.runnel.actors.group.GroupDescription;
import dev.runnel.actors.group.GroupIds;
import dev.runnel.actors.group.OffsetAndMetadata;
import dev.runnel.actors.partition.Acks;
import dev.runnel.actors.partition.AppendReply;
import dev.runnel.actors.partition.OffsetSpec;
import dev.runnel.actors.partition.PartitionCommand.Append;
import dev.runnel.actors.topic.ProducerIdAllocated;
import dev.runnel.actors.topic.TopicMetadata;
import dev.runnel.actors.topic.TopicRegistryCommand.AllocateProducerId;
import dev.runnel.api.Runnel;
import dev.runnel.api.RunnelAdmin;
import dev.runnel.api.admin.ConsumerGroupListing;
import dev.runnel.api.admin.ConsumerGroupOffset;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.consumer.AutoOffsetReset;
import dev.runnel.api.consumer.AutoSubscription;
import dev.runnel.api.consumer.CommittableMessage;
import dev.runnel.api.consumer.Consumer;
import dev.runnel.api.consumer.ConsumerSettings;
import dev.runnel.api.consumer.RebalanceListener;
import dev.runnel.api.consumer.Subscriptions;
import dev.runnel.api.grpc.v1.AlterTopicConfigRequest;
import dev.runnel.api.grpc.v1.Assignment;
import dev.runnel.api.grpc.v1.CommitOffsetsRequest;
import dev.runnel.api.grpc.v1.CommitOffsetsResponse;
import dev.runnel.api.grpc.v1.ConsumeGroupRequest;
import dev.runnel.api.grpc.v1.ConsumeRequest;
import dev.runnel.api.grpc.v1.ConsumeResponse;
import dev.runnel.api.grpc.v1.CreatePartitionsRequest;
import dev.runnel.api.grpc.v1.CreateTopicRequest;
import dev.runnel.api.grpc.v1.DeleteGroupRequest;
import dev.runnel.api.grpc.v1.DeleteGroupResponse;
import dev.runnel.api.grpc.v1.DeleteTopicRequest;
import dev.runnel.api.grpc.v1.DeleteTopicResponse;
import dev.runnel.api.grpc.v1.DescribeGroupRequest;
import dev.runnel.api.grpc.v1.DescribeGroupResponse;
import dev.runnel.api.grpc.v1.DescribeTopicRequest;
import dev.runnel.api.grpc.v1.FetchOffsetsRequest;
import dev.runnel.api.grpc.v1.FetchOffsetsResponse;
import dev.runnel.api.grpc.v1.GroupEvent;
import dev.runnel.api.grpc.v1.GroupListing;
import dev.runnel.api.grpc.v1.GroupRecords;
import dev.runnel.api.grpc.v1.InitProducerRequest;
import dev.runnel.api.grpc.v1.InitProducerResponse;
import dev.runnel.api.grpc.v1.ListGroupsRequest;
import dev.runnel.api.grpc.v1.ListGroupsResponse;
import dev.runnel.api.grpc.v1.ListOffsetsRequest;
import dev.runnel.api.grpc.v1.ListOffsetsResponse;
import dev.runnel.api.grpc.v1.ListTopicsRequest;
import dev.runnel.api.grpc.v1.ListTopicsResponse;
import dev.runnel.api.grpc.v1.OffsetReset;
import dev.runnel.api.grpc.v1.PartitionOffset;
import dev.runnel.api.grpc.v1.PartitionOffsetRequest;
import dev.runnel.api.grpc.v1.PartitionResult;
import dev.runnel.api.grpc.v1.ProduceError;
import dev.runnel.api.grpc.v1.ProduceRequest;
import dev.runnel.api.grpc.v1.ProduceResponse;
import dev.runnel.api.grpc.v1.ProducerIdentity;
import dev.runnel.api.grpc.v1.ResetGroupOffsetsRequest;
import dev.runnel.api.grpc.v1.ResetGroupOffsetsResponse;
import dev.runnel.api.grpc.v1.Revocation;
import dev.runnel.api.grpc.v1.RunnelService;
import dev.runnel.api.grpc.v1.TimestampType;
import dev.runnel.api.grpc.v1.TopicDescription;
import dev.runnel.api.internal.Completions;
import dev.runnel.api.serialization.Serdes;
import dev.runnel.persistence.record.CompressionCodec;
import dev.runnel.persistence.record.Header;
import dev.runnel.persistence.record.RecordBatch;
import dev.runnel.persistence.record.RecordBatchCodec;
import dev.runnel.sharding.Partitioner;
import dev.runnel.sharding.RunnelNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The {@code runnel.v1.RunnelService} gRPC service over an embedded {@link Runnel} node.
 *
 * <p>Producing appends each request's records as record batches straight to the partitions, with
 * the client's producer id, epoch and sequence numbers, so an idempotent client that sends a batch
 * again has it written once. A ProduceStream call works on at most {@code produce-stream-in-flight}
 * batches and reads the next request only when one of them is answered: a producer faster than the
 * log waits on HTTP/2 flow control, and the server holds a bounded number of its batches.
 *
 * <p>Consuming runs the embedded consumer ({@link Consumer#plainSource}) for the partition: its
 * reader pulls stored batches only on demand, a few ahead ({@code consume.buffer-batches}), and the
 * gRPC response stream demands only as HTTP/2 flow control lets it send. A client that stops
 * reading therefore stops the server reading the log for it.
 *
 * <p>Requests are checked before anything happens; a rejected request changes nothing and fails
 * with a {@link RunnelException} that {@link GrpcErrors} turns into a status.
 *
 * <p>A ConsumeGroup call runs a group member for the client ({@link
 * Consumer#committablePartitionedSource} with a {@link RebalanceListener}): its assignments and
 * revocations go to the client as events, ahead of the records, and the partitions' records are
 * read only as the client reads, as for Consume. The member leaves the group when the call ends.
 * Commits go straight to the group's coordinator with the client's member id and generation, which
 * fences them as it fences the embedded members' commits.
 *
 * <p>Thread-safe; every stage completes on the node's executor.
 */
public final class RunnelGrpcService implements RunnelService {

  private static final RecordBatchCodec CODEC = new RecordBatchCodec();

  /** How many assignments and revocations a group stream holds for a client that does not read. */
  private static final int GROUP_EVENTS_BUFFER = 1024;

  /** How many partitions one group stream reads at once. */
  private static final int MAX_GROUP_PARTITIONS = 4096;

  private final Runnel runnel;
  private final RunnelNode node;
  private final RunnelAdmin admin;
  private final GrpcServiceSettings settings;
  private final SharedKillSwitch consumeStreams;
  private final SharedKillSwitch produceIntake;
  private final ActorSystem<Void> system;
  private final Executor executor;

  /**
   * The service over {@code runnel}.
   *
   * @param consumeStreams ends every consume stream when the server stops
   * @param produceIntake ends the intake of every produce stream when the server stops: batches in
   *     work are still answered, then the call completes
   */
  public RunnelGrpcService(
      Runnel runnel,
      GrpcServiceSettings settings,
      SharedKillSwitch consumeStreams,
      SharedKillSwitch produceIntake) {
    this.runnel = runnel;
    this.node = runnel.node();
    this.admin = runnel.admin();
    this.settings = settings;
    this.consumeStreams = consumeStreams;
    this.produceIntake = produceIntake;
    this.system = runnel.system();
    this.executor = system.executionContext();
  }

  // ------------------------------------------------------------------ producing

  @Override
  public CompletionStage<InitProducerResponse> initProducer(InitProducerRequest in) {
    CompletionStage<ProducerIdAllocated> answer =
        AskPattern.ask(
            node.topicRegistry(),
            AllocateProducerId::new,
            settings.requestTimeout(),
            system.scheduler());
    return Completions.onExecutor(
        answer.thenApply(
            allocated ->
                InitProducerResponse.newBuilder()
                    .setProducerId(allocated.producerId())
                    .setProducerEpoch(0)
                    .build()),
        executor,
        "request=initProducer");
  }

  @Override
  public CompletionStage<ProduceResponse> produce(ProduceRequest in) {
    return produceBatch(in);
  }

  @Override
  public Source<ProduceResponse, NotUsed> produceStream(Source<ProduceRequest, NotUsed> in) {
    return in.via(produceIntake.flow())
        .mapAsync(
            settings.produceStreamInFlight(),
            request ->
                produceBatch(request)
                    .handleAsync(
                        (response, failure) ->
                            failure == null ? response : failedBatch(failure, request),
                        executor));
  }

  private static ProduceResponse failedBatch(Throwable failure, ProduceRequest request) {
    RunnelException error =
        Completions.toRunnelException(failure, "request=produce, topic=" + request.getTopic());
    return ProduceResponse.newBuilder()
        .setError(
            ProduceError.newBuilder()
                .setCode(error.code().name())
                .setMessage(error.detail())
                .setRetriable(error.retriable()))
        .build();
  }

  /** Checks the request, splits it by partition, appends each part; fails without side effects. */
  private CompletionStage<ProduceResponse> produceBatch(ProduceRequest in) {
    List<PartitionPart> parts;
    Acks acks;
    try {
      acks = acks(in);
      parts = partsOf(in, acks);
    } catch (RunnelException e) {
      return Completions.failed(e, executor);
    }
    CompletionStage<ProduceResponse.Builder> response =
        CompletableFuture.completedFuture(ProduceResponse.newBuilder());
    for (PartitionPart part : parts) {
      CompletionStage<PartitionResult> appended = append(in.getTopic(), part, acks);
      response = response.thenCombine(appended, ProduceResponse.Builder::addResults);
    }
    return Completions.onExecutor(
        response.thenApply(ProduceResponse.Builder::build),
        executor,
        "request=produce, topic=" + in.getTopic());
  }

  private static Acks acks(ProduceRequest in) {
    return switch (in.getAcks()) {
      case ACKS_ALL -> Acks.ALL;
      case ACKS_LEADER -> Acks.LEADER;
      case ACKS_NONE -> Acks.NONE;
      default -> throw invalid("unknown acks, acks=" + in.getAcksValue());
    };
  }

  /** One partition's share of a request: its encoded batch and which records it holds. */
  private record PartitionPart(int partition, byte[] batch, List<Integer> recordIndexes) {}

  private List<PartitionPart> partsOf(ProduceRequest in, Acks acks) {
    TopicMetadata topic = readableTopic(in.getTopic());
    int partition = in.getPartition();
    if (partition < -1) {
      throw invalid("negative partition, topic=" + in.getTopic() + ", partition=" + partition);
    }
    if (partition >= topic.partitions()) {
      throw noSuchPartition(in.getTopic(), partition, topic);
    }
    if (in.getRecordsCount() == 0) {
      throw invalid("no records, topic=" + in.getTopic());
    }
    if (in.hasProducer()) {
      checkProducer(in, acks);
    }
    CompressionCodec compression =
        switch (in.getCompression()) {
          case COMPRESSION_NONE -> CompressionCodec.NONE;
          case COMPRESSION_LZ4 -> CompressionCodec.LZ4;
          case COMPRESSION_ZSTD -> CompressionCodec.ZSTD;
          default -> throw invalid("unknown compression, compression=" + in.getCompressionValue());
        };
    Map<Integer, List<Integer>> byPartition = new LinkedHashMap<>();
    int unkeyed = -1;
    for (int i = 0; i < in.getRecordsCount(); i++) {
      dev.runnel.api.grpc.v1.ProducerRecord record = in.getRecords(i);
      if (record.hasTimestamp() && record.getTimestamp() < 0) {
        throw invalid(
            "negative timestamp, recordIndex=" + i + ", timestamp=" + record.getTimestamp());
      }
      int target = partition;
      if (target == -1 && record.hasKey()) {
        target = Partitioner.partitionForKey(record.getKey().toByteArray(), topic.partitions());
      } else if (target == -1) {
        if (unkeyed == -1) {
          unkeyed = node.partitioner().nextStickyPartition(topic.name(), topic.partitions());
        }
        target = unkeyed;
      }
      byPartition.computeIfAbsent(target, p -> new ArrayList<>()).add(i);
    }
    long now = System.currentTimeMillis();
    List<PartitionPart> parts = new ArrayList<>(byPartition.size());
    for (Map.Entry<Integer, List<Integer>> entry : byPartition.entrySet()) {
      parts.add(
          new PartitionPart(
              entry.getKey(), encode(in, entry.getValue(), compression, now), entry.getValue()));
    }
    return parts;
  }

  private static void checkProducer(ProduceRequest in, Acks acks) {
    ProducerIdentity producer = in.getProducer();
    if (in.getPartition() == -1) {
      throw invalid("an idempotent batch needs a partition, topic=" + in.getTopic());
    }
    if (acks == Acks.NONE) {
      throw invalid("an idempotent batch needs acks other than none, topic=" + in.getTopic());
    }
    if (producer.getProducerId() < 0
        || producer.getProducerEpoch() < 0
        || producer.getProducerEpoch() > Short.MAX_VALUE
        || producer.getBaseSequence() < 0) {
      throw invalid(
          "bad producer fields, producerId="
              + producer.getProducerId()
              + ", producerEpoch="
              + producer.getProducerEpoch()
              + ", baseSequence="
              + producer.getBaseSequence());
    }
  }

  private static byte[] encode(
      ProduceRequest in, List<Integer> indexes, CompressionCodec compression, long now) {
    RecordBatch.Builder batch = RecordBatch.builder(0).compression(compression);
    if (in.hasProducer()) {
      ProducerIdentity producer = in.getProducer();
      batch.producer(
          producer.getProducerId(),
          (short) producer.getProducerEpoch(),
          producer.getBaseSequence());
    }
    for (int index : indexes) {
      dev.runnel.api.grpc.v1.ProducerRecord record = in.getRecords(index);
      List<Header> headers = new ArrayList<>(record.getHeadersCount());
      for (dev.runnel.api.grpc.v1.Header header : record.getHeadersList()) {
        headers.add(
            new Header(
                header.getKey(), header.hasValue() ? header.getValue().toByteArray() : null));
      }
      batch.add(
          record.hasTimestamp() ? record.getTimestamp() : now,
          record.hasKey() ? record.getKey().toByteArray() : null,
          record.hasValue() ? record.getValue().toByteArray() : null,
          headers);
    }
    try {
      return CODEC.encode(batch.build());
    } catch (IllegalArgumentException e) {
      throw new RunnelException(
          ErrorCode.RECORD_TOO_LARGE,
          "Batch too large: topic=" + in.getTopic() + ", reason=" + e.getMessage(),
          e);
    }
  }

  private CompletionStage<PartitionResult> append(String topic, PartitionPart part, Acks acks) {
    dev.runnel.actors.TopicPartition tp =
        new dev.runnel.actors.TopicPartition(topic, part.partition());
    CompletionStage<AppendReply> answer =
        node.askPartition(
            tp, replyTo -> new Append(part.batch(), acks, replyTo), settings.requestTimeout());
    return answer
        .exceptionally(
            failure -> {
              throw Completions.toRunnelException(failure, "request=produce, topicPartition=" + tp);
            })
        .thenApply(
            reply -> {
              if (reply instanceof AppendReply.AppendFailed failed) {
                throw new RunnelException(failed.code(), failed.message());
              }
              AppendReply.Appended appended = (AppendReply.Appended) reply;
              return PartitionResult.newBuilder()
                  .setPartition(part.partition())
                  .setBaseOffset(appended.baseOffset())
                  .setLogAppendTime(appended.logAppendTime())
                  .setLogStartOffset(acks == Acks.NONE ? -1 : appended.logStartOffset())
                  .addAllRecordIndexes(part.recordIndexes())
                  .build();
            });
  }

  // ------------------------------------------------------------------ consuming

  @Override
  public Source<ConsumeResponse, NotUsed> consume(ConsumeRequest in) {
    return Source.completionStageSource(consumeSource(in))
        .mapMaterializedValue(ignored -> NotUsed.getInstance());
  }

  private CompletionStage<Source<ConsumeResponse, NotUsed>> consumeSource(ConsumeRequest in) {
    dev.runnel.actors.TopicPartition tp;
    ConsumerSettings<byte[], byte[]> consumerSettings;
    int maxRecords;
    try {
      tp = readablePartition(in.getTopic(), in.getPartition());
      if (in.getStartCase() == ConsumeRequest.StartCase.OFFSET && in.getOffset() < 0) {
        throw invalid("negative offset, topicPartition=" + tp + ", offset=" + in.getOffset());
      }
      AutoOffsetReset reset = reset(in.getReset(), in.getResetValue());
      maxRecords = maxRecords(in.getMaxRecordsPerResponse());
      consumerSettings =
          ConsumerSettings.create(
                  runnel, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer())
              .withAutoOffsetReset(reset)
              .withBufferBatches(settings.consumerBufferBatches());
    } catch (RunnelException e) {
      return Completions.failed(e, executor);
    }
    CompletionStage<Long> start =
        switch (in.getStartCase()) {
          case OFFSET -> CompletableFuture.completedFuture(in.getOffset());
          case SPEC ->
              offset(
                  tp,
                  in.getSpec() == dev.runnel.api.grpc.v1.OffsetSpec.OFFSET_SPEC_LATEST
                      ? OffsetSpec.latest()
                      : OffsetSpec.earliest());
          case TIMESTAMP ->
              offset(tp, OffsetSpec.forTimestamp(in.getTimestamp()))
                  .thenCompose(
                      found ->
                          found >= 0
                              ? CompletableFuture.completedFuture(found)
                              : offset(tp, OffsetSpec.latest()));
          default -> offset(tp, OffsetSpec.earliest());
        };
    CompletionStage<Long> end =
        in.getFollow()
            ? CompletableFuture.completedFuture(Long.MAX_VALUE)
            : offset(tp, OffsetSpec.latest());
    return start.thenCombineAsync(
        end,
        (from, until) -> {
          if (from >= until) {
            if (from > until && consumerSettings.autoOffsetReset() == AutoOffsetReset.NONE) {
              throw new RunnelException(
                  ErrorCode.OFFSET_OUT_OF_RANGE,
                  "Offset beyond the end: topicPartition="
                      + tp
                      + ", offset="
                      + from
                      + ", highWatermark="
                      + until);
            }
            return Source.<ConsumeResponse>empty();
          }
          Source<dev.runnel.api.consumer.ConsumerRecord<byte[], byte[]>, ?> records =
              Consumer.plainSource(consumerSettings, Subscriptions.assignmentWithOffset(tp, from));
          if (until != Long.MAX_VALUE) {
            records = records.takeWhile(record -> record.offset() < until - 1, true);
          }
          return records
              .via(consumeStreams.flow())
              .via(batched(maxRecords))
              .map(batch -> ConsumeResponse.newBuilder().addAllRecords(batch).build())
              .mapMaterializedValue(ignored -> NotUsed.getInstance());
        },
        executor);
  }

  private static AutoOffsetReset reset(OffsetReset reset, int value) {
    return switch (reset) {
      case OFFSET_RESET_NONE -> AutoOffsetReset.NONE;
      case OFFSET_RESET_EARLIEST -> AutoOffsetReset.EARLIEST;
      case OFFSET_RESET_LATEST -> AutoOffsetReset.LATEST;
      default -> throw invalid("unknown reset, reset=" + value);
    };
  }

  private int maxRecords(int asked) {
    if (asked < 0) {
      throw invalid("negative max_records_per_response");
    }
    return asked == 0 ? settings.maxRecordsPerResponse() : asked;
  }

  /**
   * Groups records that are ready together into responses of at most {@code maxRecords} records and
   * about {@code consume.max-bytes-per-response}; never waits for more.
   */
  private Flow<
          dev.runnel.api.consumer.ConsumerRecord<byte[], byte[]>,
          List<dev.runnel.api.grpc.v1.ConsumerRecord>,
          NotUsed>
      batched(int maxRecords) {
    int weightPerRecord = Math.max(1, settings.maxBytesPerResponse() / maxRecords);
    return Flow.<dev.runnel.api.consumer.ConsumerRecord<byte[], byte[]>>create()
        .batchWeighted(
            (long) maxRecords * weightPerRecord,
            record -> (long) Math.max(weightPerRecord, recordBytes(record)),
            record -> {
              List<dev.runnel.api.grpc.v1.ConsumerRecord> batch = new ArrayList<>();
              batch.add(toProto(record));
              return batch;
            },
            (batch, record) -> {
              batch.add(toProto(record));
              return batch;
            });
  }

  private static int recordBytes(dev.runnel.api.consumer.ConsumerRecord<byte[], byte[]> record) {
    return Math.max(0, record.serializedKeySize()) + Math.max(0, record.serializedValueSize());
  }

  /** A consumed record as the API sends it. */
  static dev.runnel.api.grpc.v1.ConsumerRecord toProto(
      dev.runnel.api.consumer.ConsumerRecord<byte[], byte[]> record) {
    dev.runnel.api.grpc.v1.ConsumerRecord.Builder proto =
        dev.runnel.api.grpc.v1.ConsumerRecord.newBuilder()
            .setOffset(record.offset())
            .setTimestamp(record.timestamp())
            .setTimestampType(
                record.timestampType()
                        == dev.runnel.persistence.record.TimestampType.LOG_APPEND_TIME
                    ? TimestampType.TIMESTAMP_TYPE_LOG_APPEND_TIME
                    : TimestampType.TIMESTAMP_TYPE_CREATE_TIME);
    if (record.key() != null) {
      proto.setKey(ByteString.copyFrom(record.key()));
    }
    if (record.value() != null) {
      proto.setValue(ByteString.copyFrom(record.value()));
    }
    for (Header header : record.headers()) {
      dev.runnel.api.grpc.v1.Header.Builder h =
          dev.runnel.api.grpc.v1.Header.newBuilder().setKey(header.key());
      if (header.value() != null) {
        h.setValue(ByteString.copyFrom(header.value()));
      }
      proto.addHeaders(h);
    }
    return proto.build();
  }

  @Override
  public CompletionStage<ListOffsetsResponse> listOffsets(ListOffsetsRequest in) {
    List<PartitionOffsetRequest> wanted = new ArrayList<>(in.getPartitionsList());
    try {
      TopicMetadata topic = readableTopic(in.getTopic());
      if (wanted.isEmpty()) {
        for (int p = 0; p < topic.partitions(); p++) {
          wanted.add(
              PartitionOffsetRequest.newBuilder()
                  .setPartition(p)
                  .setOffsetSpec(dev.runnel.api.grpc.v1.OffsetSpec.OFFSET_SPEC_LATEST)
                  .build());
        }
      }
      for (PartitionOffsetRequest request : wanted) {
        readablePartition(in.getTopic(), request.getPartition());
      }
    } catch (RunnelException e) {
      return Completions.failed(e, executor);
    }
    CompletionStage<ListOffsetsResponse.Builder> response =
        CompletableFuture.completedFuture(ListOffsetsResponse.newBuilder());
    for (PartitionOffsetRequest request : wanted) {
      OffsetSpec spec =
          switch (request.getSpecCase()) {
            case TIMESTAMP -> OffsetSpec.forTimestamp(request.getTimestamp());
            default ->
                request.getOffsetSpec() == dev.runnel.api.grpc.v1.OffsetSpec.OFFSET_SPEC_LATEST
                    ? OffsetSpec.latest()
                    : OffsetSpec.earliest();
          };
      dev.runnel.actors.TopicPartition tp =
          new dev.runnel.actors.TopicPartition(in.getTopic(), request.getPartition());
      response =
          response.thenCombine(
              admin.listOffsets(tp, spec),
              (builder, found) ->
                  builder.addOffsets(
                      PartitionOffset.newBuilder()
                          .setPartition(request.getPartition())
                          .setOffset(found.offset())
                          .setTimestamp(found.timestamp())));
    }
    return Completions.onExecutor(
        response.thenApply(ListOffsetsResponse.Builder::build),
        executor,
        "request=listOffsets, topic=" + in.getTopic());
  }

  private CompletionStage<Long> offset(dev.runnel.actors.TopicPartition tp, OffsetSpec spec) {
    return admin.listOffsets(tp, spec).thenApply(found -> found.offset());
  }

  // ------------------------------------------------------------------ consumer groups

  @Override
  public Source<GroupEvent, NotUsed> consumeGroup(ConsumeGroupRequest in) {
    ConsumerSettings<byte[], byte[]> consumerSettings;
    AutoSubscription subscription;
    int maxRecords;
    try {
      subscription = subscription(in);
      if (in.getSessionTimeoutMs() < 0) {
        throw invalid("negative session_timeout_ms, groupId=" + in.getGroupId());
      }
      maxRecords = maxRecords(in.getMaxRecordsPerResponse());
      consumerSettings =
          ConsumerSettings.create(
                  runnel, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer())
              .withGroupId(in.getGroupId())
              .withClientId(in.getClientId())
              .withAutoOffsetReset(reset(in.getReset(), in.getResetValue()))
              .withBufferBatches(settings.consumerBufferBatches());
      if (in.getSessionTimeoutMs() > 0) {
        Duration session = Duration.ofMillis(in.getSessionTimeoutMs());
        Duration third = session.dividedBy(3);
        consumerSettings =
            consumerSettings
                .withSessionTimeout(session)
                .withHeartbeatInterval(
                    third.compareTo(consumerSettings.heartbeatInterval()) < 0
                        ? third
                        : consumerSettings.heartbeatInterval());
      }
      GroupIds.validate(in.getGroupId());
    } catch (RunnelException e) {
      return Source.failed(e);
    }
    ConsumerSettings<byte[], byte[]> member = consumerSettings;
    AutoSubscription topics = subscription;
    return Source.fromMaterializer(
            (materializer, attributes) -> groupEvents(in, member, topics, maxRecords))
        .mapMaterializedValue(ignored -> NotUsed.getInstance());
  }

  /** The request's topics or topic pattern, exactly one of them. */
  private static AutoSubscription subscription(ConsumeGroupRequest in) {
    boolean pattern = !in.getTopicPattern().isEmpty();
    if (pattern == in.getTopicsCount() > 0) {
      throw invalid(
          (pattern ? "both topics and topic_pattern" : "no topics and no topic_pattern")
              + ", groupId="
              + in.getGroupId());
    }
    if (!pattern) {
      return Subscriptions.topics(Set.copyOf(in.getTopicsList()));
    }
    try {
      return Subscriptions.topicPattern(in.getTopicPattern());
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage() + ", groupId=" + in.getGroupId());
    }
  }

  /**
   * One member's stream: assignments and revocations from its listener, preferred over the records
   * of its partitions so that an assignment comes before the records it adds. The member leaves the
   * group as soon as the stream ends, however it ends.
   */
  private Source<GroupEvent, NotUsed> groupEvents(
      ConsumeGroupRequest in,
      ConsumerSettings<byte[], byte[]> member,
      AutoSubscription subscription,
      int maxRecords) {
    Pair<BoundedSourceQueue<GroupEvent>, Source<GroupEvent, NotUsed>> control =
        Source.<GroupEvent>queue(GROUP_EVENTS_BUFFER).preMaterialize(system);
    BoundedSourceQueue<GroupEvent> events = control.first();
    RebalanceListener listener =
        new RebalanceListener() {
          @Override
          public void assigned(
              String memberId, int generation, Set<dev.runnel.actors.TopicPartition> held) {
            offer(
                GroupEvent.newBuilder()
                    .setAssignment(
                        Assignment.newBuilder()
                            .setMemberId(memberId)
                            .setGenerationId(generation)
                            .addAllPartitions(sorted(held)))
                    .build());
          }

          @Override
          public void revoked(int generation, Set<dev.runnel.actors.TopicPartition> revoked) {
            offer(
                GroupEvent.newBuilder()
                    .setRevocation(
                        Revocation.newBuilder()
                            .setGenerationId(generation)
                            .addAllPartitions(sorted(revoked)))
                    .build());
          }

          private void offer(GroupEvent event) {
            if (events.offer(event) == QueueOfferResult.dropped()) {
              events.fail(
                  new RunnelException(
                      ErrorCode.NOT_AVAILABLE,
                      "Too many group events unread: groupId=" + in.getGroupId()));
            }
          }
        };
    return Consumer.committablePartitionedSource(member, subscription, listener)
        .flatMapMerge(
            MAX_GROUP_PARTITIONS,
            partition ->
                partition
                    .second()
                    .map(CommittableMessage::record)
                    .via(batched(maxRecords))
                    .map(
                        records ->
                            GroupEvent.newBuilder()
                                .setRecords(
                                    GroupRecords.newBuilder()
                                        .setPartition(toProto(partition.first()))
                                        .addAllRecords(records))
                                .build()))
        .mergePreferred(control.second(), true, true)
        .via(consumeStreams.flow())
        .watchTermination(
            (consumer, ended) -> {
              ended.whenCompleteAsync((done, failure) -> consumer.shutdown(), executor);
              return NotUsed.getInstance();
            });
  }

  private static List<dev.runnel.api.grpc.v1.TopicPartition> sorted(
      Set<dev.runnel.actors.TopicPartition> partitions) {
    return partitions.stream()
        .sorted(
            Comparator.comparing(dev.runnel.actors.TopicPartition::topic)
                .thenComparingInt(dev.runnel.actors.TopicPartition::partition))
        .map(RunnelGrpcService::toProto)
        .toList();
  }

  private static dev.runnel.api.grpc.v1.TopicPartition toProto(
      dev.runnel.actors.TopicPartition tp) {
    return dev.runnel.api.grpc.v1.TopicPartition.newBuilder()
        .setTopic(tp.topic())
        .setPartition(tp.partition())
        .build();
  }

  private static dev.runnel.actors.TopicPartition fromProto(
      dev.runnel.api.grpc.v1.TopicPartition tp) {
    if (tp.getTopic().isEmpty() || tp.getPartition() < 0) {
      throw invalid("bad partition, topic=" + tp.getTopic() + ", partition=" + tp.getPartition());
    }
    return new dev.runnel.actors.TopicPartition(tp.getTopic(), tp.getPartition());
  }

  @Override
  public CompletionStage<CommitOffsetsResponse> commitOffsets(CommitOffsetsRequest in) {
    String request = "request=commitOffsets, groupId=" + in.getGroupId();
    Map<dev.runnel.actors.TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    try {
      GroupIds.validate(in.getGroupId());
      if (in.getOffsetsCount() == 0) {
        throw invalid("no offsets, groupId=" + in.getGroupId());
      }
      for (dev.runnel.api.grpc.v1.OffsetAndMetadata offset : in.getOffsetsList()) {
        offsets.put(
            fromProto(offset.getPartition()),
            new OffsetAndMetadata(offset.getOffset(), offset.getMetadata()));
      }
    } catch (RunnelException e) {
      return Completions.failed(e, executor);
    }
    CompletionStage<CommitReply> answer =
        node.group(in.getGroupId())
            .ask(
                replyTo ->
                    new CommitOffsets(in.getMemberId(), in.getGenerationId(), offsets, replyTo),
                settings.requestTimeout());
    return Completions.onExecutor(
        answer.thenApply(
            reply -> {
              if (reply instanceof CommitReply.CommitFailed failed) {
                throw new RunnelException(failed.code(), failed.message());
              }
              return CommitOffsetsResponse.getDefaultInstance();
            }),
        executor,
        request);
  }

  @Override
  public CompletionStage<FetchOffsetsResponse> fetchOffsets(FetchOffsetsRequest in) {
    Set<dev.runnel.actors.TopicPartition> wanted = new HashSet<>();
    try {
      in.getPartitionsList().forEach(tp -> wanted.add(fromProto(tp)));
    } catch (RunnelException e) {
      return Completions.failed(e, executor);
    }
    return admin
        .listConsumerGroupOffsets(in.getGroupId())
        .thenApply(
            offsets -> {
              FetchOffsetsResponse.Builder response = FetchOffsetsResponse.newBuilder();
              offsets.forEach(
                  (tp, offset) -> {
                    if (wanted.isEmpty() || wanted.contains(tp)) {
                      response.addOffsets(toProto(tp, offset));
                    }
                  });
              return response.build();
            });
  }

  private static dev.runnel.api.grpc.v1.OffsetAndMetadata toProto(
      dev.runnel.actors.TopicPartition tp, ConsumerGroupOffset offset) {
    return dev.runnel.api.grpc.v1.OffsetAndMetadata.newBuilder()
        .setPartition(toProto(tp))
        .setOffset(offset.committedOffset())
        .setMetadata(offset.metadata())
        .setHighWatermark(offset.highWatermark())
        .setLag(offset.lag())
        .build();
  }

  @Override
  public CompletionStage<ListGroupsResponse> listGroups(ListGroupsRequest in) {
    return admin
        .listConsumerGroups()
        .thenApply(
            groups -> {
              ListGroupsResponse.Builder response = ListGroupsResponse.newBuilder();
              groups.stream()
                  .sorted(Comparator.comparing(ConsumerGroupListing::groupId))
                  .forEach(
                      group ->
                          response.addGroups(
                              GroupListing.newBuilder()
                                  .setGroupId(group.groupId())
                                  .setState(group.state().name())));
              return response.build();
            });
  }

  @Override
  public CompletionStage<DescribeGroupResponse> describeGroup(DescribeGroupRequest in) {
    return admin
        .describeConsumerGroup(in.getGroupId())
        .thenCombine(
            admin.listConsumerGroupOffsets(in.getGroupId()),
            (group, offsets) -> {
              DescribeGroupResponse.Builder response =
                  DescribeGroupResponse.newBuilder()
                      .setGroupId(group.groupId())
                      .setState(group.state().name())
                      .setGenerationId(group.generation())
                      .setAssignor(group.assignor());
              for (GroupDescription.MemberDescription member : group.members()) {
                response.addMembers(
                    dev.runnel.api.grpc.v1.GroupMember.newBuilder()
                        .setMemberId(member.memberId())
                        .setClientId(member.clientId())
                        .setClientHost(member.host())
                        .addAllAssignment(sorted(member.assignment())));
              }
              offsets.forEach((tp, offset) -> response.addOffsets(toProto(tp, offset)));
              return response.build();
            });
  }

  @Override
  public CompletionStage<ResetGroupOffsetsResponse> resetGroupOffsets(ResetGroupOffsetsRequest in) {
    List<dev.runnel.actors.TopicPartition> partitions = new ArrayList<>();
    try {
      GroupIds.validate(in.getGroupId());
      TopicMetadata topic = readableTopic(in.getTopic());
      if (in.getPartitionsCount() == 0) {
        for (int p = 0; p < topic.partitions(); p++) {
          partitions.add(new dev.runnel.actors.TopicPartition(topic.name(), p));
        }
      }
      for (int p : in.getPartitionsList()) {
        partitions.add(readablePartition(in.getTopic(), p));
      }
      if (in.getToCase() == ResetGroupOffsetsRequest.ToCase.TO_NOT_SET) {
        throw invalid("no target: spec, timestamp or offset, groupId=" + in.getGroupId());
      }
      if (in.getToCase() == ResetGroupOffsetsRequest.ToCase.OFFSET && in.getOffset() < 0) {
        throw invalid("negative offset, groupId=" + in.getGroupId() + ", offset=" + in.getOffset());
      }
    } catch (RunnelException e) {
      return Completions.failed(e, executor);
    }
    CompletionStage<Map<dev.runnel.actors.TopicPartition, Long>> reset;
    if (in.getToCase() == ResetGroupOffsetsRequest.ToCase.OFFSET) {
      Map<dev.runnel.actors.TopicPartition, Long> offsets = new HashMap<>();
      partitions.forEach(tp -> offsets.put(tp, in.getOffset()));
      reset =
          in.getDryRun()
              ? CompletableFuture.completedFuture(offsets)
              : admin.alterConsumerGroupOffsets(in.getGroupId(), offsets);
    } else {
      OffsetSpec spec =
          in.getToCase() == ResetGroupOffsetsRequest.ToCase.TIMESTAMP
              ? OffsetSpec.forTimestamp(in.getTimestamp())
              : in.getSpec() == dev.runnel.api.grpc.v1.OffsetSpec.OFFSET_SPEC_LATEST
                  ? OffsetSpec.latest()
                  : OffsetSpec.earliest();
      Map<dev.runnel.actors.TopicPartition, OffsetSpec> specs = new HashMap<>();
      partitions.forEach(tp -> specs.put(tp, spec));
      reset =
          in.getDryRun()
              ? admin.resolveOffsets(specs)
              : admin.resetConsumerGroupOffsets(in.getGroupId(), specs);
    }
    return reset.thenApply(
        offsets -> {
          ResetGroupOffsetsResponse.Builder response = ResetGroupOffsetsResponse.newBuilder();
          offsets.entrySet().stream()
              .sorted(
                  Comparator.comparingInt(
                      (Map.Entry<dev.runnel.actors.TopicPartition, Long> e) ->
                          e.getKey().partition()))
              .forEach(
                  e ->
                      response.addOffsets(
                          dev.runnel.api.grpc.v1.OffsetAndMetadata.newBuilder()
                              .setPartition(toProto(e.getKey()))
                              .setOffset(e.getValue())
                              .setHighWatermark(-1)
                              .setLag(-1)));
          return response.build();
        });
  }

  @Override
  public CompletionStage<DeleteGroupResponse> deleteGroup(DeleteGroupRequest in) {
    return admin
        .deleteConsumerGroup(in.getGroupId())
        .thenApply(done -> DeleteGroupResponse.getDefaultInstance());
  }

  // ------------------------------------------------------------------ topics

  @Override
  public CompletionStage<TopicDescription> createTopic(CreateTopicRequest in) {
    if (in.getPartitions() < 0) {
      return Completions.failed(
          new RunnelException(
              ErrorCode.INVALID_PARTITIONS,
              "Invalid partition count: topic="
                  + in.getName()
                  + ", partitions="
                  + in.getPartitions()),
          executor);
    }
    NewTopic topic =
        new NewTopic(
            in.getName(),
            in.getPartitions() == 0 ? OptionalInt.empty() : OptionalInt.of(in.getPartitions()),
            in.getConfigsMap());
    return admin.createTopic(topic).thenApply(RunnelGrpcService::toProto);
  }

  @Override
  public CompletionStage<TopicDescription> describeTopic(DescribeTopicRequest in) {
    return admin.describeTopic(in.getName()).thenApply(RunnelGrpcService::toProto);
  }

  @Override
  public CompletionStage<ListTopicsResponse> listTopics(ListTopicsRequest in) {
    return admin
        .listTopics()
        .thenApply(names -> ListTopicsResponse.newBuilder().addAllNames(names).build());
  }

  @Override
  public CompletionStage<TopicDescription> alterTopicConfig(AlterTopicConfigRequest in) {
    return admin
        .alterTopicConfig(in.getName(), in.getSetMap(), new HashSet<>(in.getResetList()))
        .thenApply(RunnelGrpcService::toProto);
  }

  @Override
  public CompletionStage<TopicDescription> createPartitions(CreatePartitionsRequest in) {
    return admin
        .createPartitions(in.getName(), in.getTotalCount())
        .thenApply(RunnelGrpcService::toProto);
  }

  @Override
  public CompletionStage<DeleteTopicResponse> deleteTopic(DeleteTopicRequest in) {
    return admin
        .deleteTopic(in.getName())
        .thenApply(done -> DeleteTopicResponse.getDefaultInstance());
  }

  private static TopicDescription toProto(dev.runnel.api.admin.TopicDescription topic) {
    return TopicDescription.newBuilder()
        .setName(topic.name())
        .setPartitions(topic.partitionCount())
        .putAllConfigs(topic.configs())
        .setDeleting(topic.deleting())
        .build();
  }

  // ------------------------------------------------------------------ checks

  /** The topic as this node knows it, if it exists and is not being deleted. */
  private TopicMetadata readableTopic(String name) {
    if (name.isEmpty()) {
      throw invalid("no topic");
    }
    TopicMetadata topic =
        node.topics()
            .topic(name)
            .orElseThrow(
                () ->
                    new RunnelException(
                        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "No such topic: topic=" + name));
    if (topic.deleting()) {
      throw new RunnelException(
          ErrorCode.TOPIC_DELETION_IN_PROGRESS, "Topic is being deleted: topic=" + name);
    }
    return topic;
  }

  private dev.runnel.actors.TopicPartition readablePartition(String name, int partition) {
    if (partition < 0) {
      throw invalid("negative partition, topic=" + name + ", partition=" + partition);
    }
    TopicMetadata topic = readableTopic(name);
    if (partition >= topic.partitions()) {
      throw noSuchPartition(name, partition, topic);
    }
    return new dev.runnel.actors.TopicPartition(name, partition);
  }

  private static RunnelException noSuchPartition(String name, int partition, TopicMetadata topic) {
    return new RunnelException(
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        "No such partition: topic="
            + name
            + ", partition="
            + partition
            + ", partitions="
            + topic.partitions());
  }

  private static RunnelException invalid(String facts) {
    return new RunnelException(ErrorCode.INVALID_REQUEST, "Invalid request: reason=" + facts);
  }
}
