package dev.runnel.api.cli;

import akka.stream.javadsl.FileIO;
import akka.stream.javadsl.Framing;
import akka.stream.javadsl.FramingTruncation;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.StreamConverters;
import akka.util.ByteString;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.api.grpc.v1.Acks;
import dev.runnel.api.grpc.v1.Compression;
import dev.runnel.api.grpc.v1.DescribeTopicRequest;
import dev.runnel.api.grpc.v1.Header;
import dev.runnel.api.grpc.v1.InitProducerRequest;
import dev.runnel.api.grpc.v1.InitProducerResponse;
import dev.runnel.api.grpc.v1.PartitionResult;
import dev.runnel.api.grpc.v1.ProduceRequest;
import dev.runnel.api.grpc.v1.ProduceResponse;
import dev.runnel.api.grpc.v1.ProducerIdentity;
import dev.runnel.api.grpc.v1.ProducerRecord;
import dev.runnel.sharding.Partitioner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runnel produce}: one record per line of standard input or a file, sent in batches over one
 * ProduceStream call. Idempotent by default (a producer id from the server, sequence numbers per
 * partition); keyed lines go to Kafka's partition for the key, unkeyed ones round robin per batch.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = {
      "Sends each line of standard input (or --file) as a record's value (UTF-8, without the line"
          + " end).",
      "Prints counts to standard error; exits 0 when every record was stored."
    })
final class ProduceCommand implements Callable<Integer> {

  @ParentCommand RunnelCli cli;
  @Mixin ClientOptions client;
  @Mixin Progress.Options progress;

  @Parameters(paramLabel = "TOPIC")
  String topic;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description = "Read lines from FILE instead of standard input.")
  Path file;

  @Option(
      names = {"-p", "--partition"},
      description = "Send every record to this partition (default: by key, round robin without).")
  Integer partition;

  @Option(
      names = {"-k", "--parse-key"},
      description = "Split each line at the first --key-separator into key and value.")
  boolean parseKey;

  @Option(
      names = "--key-separator",
      defaultValue = "\t",
      description = "The separator of key and value (default: TAB).")
  String keySeparator;

  @Option(
      names = {"-H", "--header"},
      paramLabel = "KEY=VALUE",
      description = "A header added to every record; repeatable.")
  Map<String, String> headers = new LinkedHashMap<>();

  @Option(
      names = "--acks",
      defaultValue = "all",
      description = "all, leader or none (default: ${DEFAULT-VALUE}).")
  String acks;

  @Option(
      names = "--compression",
      defaultValue = "none",
      description = "none, lz4 or zstd (default: ${DEFAULT-VALUE}).")
  String compression;

  @Option(
      names = "--idempotence",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Number batches so that none is written twice (default: on; off with --acks none).")
  boolean idempotence;

  @Option(
      names = "--batch-bytes",
      defaultValue = "262144",
      description = "The most value and key bytes in one batch (default: ${DEFAULT-VALUE}).")
  int batchBytes;

  @Option(
      names = "--batch-records",
      defaultValue = "1000",
      description = "The most records in one batch (default: ${DEFAULT-VALUE}).")
  int batchRecords;

  @Option(
      names = "--linger-ms",
      defaultValue = "50",
      description = "How long a batch waits for more lines (default: ${DEFAULT-VALUE}).")
  long lingerMs;

  @Option(
      names = "--max-line-bytes",
      defaultValue = "10485760",
      description = "The longest line accepted (default: ${DEFAULT-VALUE}).")
  int maxLineBytes;

  @Override
  public Integer call() throws Exception {
    Acks ackMode =
        switch (acks) {
          case "all", "-1" -> Acks.ACKS_ALL;
          case "leader", "1" -> Acks.ACKS_LEADER;
          case "none", "0" -> Acks.ACKS_NONE;
          default -> throw new IllegalArgumentException("Bad --acks: " + acks);
        };
    Compression codec =
        switch (compression) {
          case "none" -> Compression.COMPRESSION_NONE;
          case "lz4" -> Compression.COMPRESSION_LZ4;
          case "zstd" -> Compression.COMPRESSION_ZSTD;
          default -> throw new IllegalArgumentException("Bad --compression: " + compression);
        };
    if (batchBytes < 1 || batchRecords < 1 || lingerMs < 0) {
      throw new IllegalArgumentException("Batch sizes must be positive, --linger-ms not negative");
    }
    boolean idempotent = idempotence && ackMode != Acks.ACKS_NONE;
    try (ClientOptions.Session session = client.connect()) {
      int partitions =
          session
              .await(
                  session
                      .client()
                      .describeTopic(DescribeTopicRequest.newBuilder().setName(topic).build()))
              .getPartitions();
      if (partition != null && (partition < 0 || partition >= partitions)) {
        throw new RunnelException(
            ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            "No such partition: topic="
                + topic
                + ", partition="
                + partition
                + ", partitions="
                + partitions);
      }
      InitProducerResponse producer =
          idempotent
              ? session.await(
                  session.client().initProducer(InitProducerRequest.getDefaultInstance()))
              : null;
      Batcher batcher = new Batcher(partitions, producer, ackMode, codec);
      AtomicLong stored = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      AtomicReference<String> firstError = new AtomicReference<>();
      int weightPerRecord = Math.max(1, batchBytes / batchRecords);
      Source<ByteString, ?> input =
          file != null ? FileIO.fromPath(file) : StreamConverters.fromInputStream(() -> cli.in);
      Source<ProduceRequest, ?> requests =
          input
              .via(
                  Framing.delimiter(
                      ByteString.fromString("\n"), maxLineBytes, FramingTruncation.ALLOW))
              .map(this::record)
              .groupedWeightedWithin(
                  (long) batchRecords * weightPerRecord,
                  record ->
                      (long)
                          Math.max(
                              weightPerRecord, record.getValue().size() + record.getKey().size()),
                  Duration.ofMillis(lingerMs))
              .mapConcat(batcher::requests);
      try (Progress ticker = progress.start(cli.err, "produced", stored::get)) {
        session.await(
            session
                .client()
                .produceStream(requests.mapMaterializedValue(ignored -> akka.NotUsed.getInstance()))
                .runForeach(
                    response -> count(response, stored, failed, firstError), session.system()),
            Duration.ofDays(3650));
      }
      progress.summary(
          cli.err,
          "Produced "
              + stored.get()
              + " records to "
              + topic
              + (failed.get() > 0 ? ", " + failed.get() + " failed" : ""));
      if (firstError.get() != null) {
        cli.err.println("runnel: first failure: " + firstError.get());
        return RunnelCli.FAILED;
      }
      return RunnelCli.OK;
    }
  }

  private static void count(
      ProduceResponse response,
      AtomicLong stored,
      AtomicLong failed,
      AtomicReference<String> firstError) {
    if (response.hasError()) {
      failed.incrementAndGet();
      firstError.compareAndSet(
          null, response.getError().getCode() + ": " + response.getError().getMessage());
      return;
    }
    for (PartitionResult result : response.getResultsList()) {
      stored.addAndGet(result.getRecordIndexesCount());
    }
  }

  private ProducerRecord record(ByteString line) {
    String text = line.utf8String();
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    ProducerRecord.Builder record = ProducerRecord.newBuilder();
    int split = parseKey ? text.indexOf(keySeparator) : -1;
    if (split >= 0) {
      record.setKey(utf8(text.substring(0, split)));
      text = text.substring(split + keySeparator.length());
    }
    record.setValue(utf8(text));
    headers.forEach(
        (key, value) -> record.addHeaders(Header.newBuilder().setKey(key).setValue(utf8(value))));
    return record.build();
  }

  private static com.google.protobuf.ByteString utf8(String text) {
    return com.google.protobuf.ByteString.copyFrom(text, StandardCharsets.UTF_8);
  }

  /**
   * Turns groups of records into one request per partition, numbered for the idempotent producer.
   * Used by one stream stage at a time.
   */
  private final class Batcher {
    private final int partitions;
    private final InitProducerResponse producer;
    private final Acks acks;
    private final Compression compression;
    private final Map<Integer, Integer> nextSequence = new HashMap<>();
    private int roundRobin;

    Batcher(int partitions, InitProducerResponse producer, Acks acks, Compression compression) {
      this.partitions = partitions;
      this.producer = producer;
      this.acks = acks;
      this.compression = compression;
    }

    List<ProduceRequest> requests(List<ProducerRecord> records) {
      int unkeyed = roundRobin++ % partitions;
      Map<Integer, List<ProducerRecord>> byPartition = new LinkedHashMap<>();
      for (ProducerRecord record : records) {
        int target =
            partition != null
                ? partition
                : record.hasKey()
                    ? Partitioner.partitionForKey(record.getKey().toByteArray(), partitions)
                    : unkeyed;
        byPartition.computeIfAbsent(target, p -> new ArrayList<>()).add(record);
      }
      List<ProduceRequest> requests = new ArrayList<>(byPartition.size());
      byPartition.forEach(
          (target, part) -> {
            ProduceRequest.Builder request =
                ProduceRequest.newBuilder()
                    .setTopic(topic)
                    .setPartition(target)
                    .setAcks(acks)
                    .setCompression(compression)
                    .addAllRecords(part);
            if (producer != null) {
              int sequence = nextSequence.getOrDefault(target, 0);
              nextSequence.put(target, sequence + part.size());
              request.setProducer(
                  ProducerIdentity.newBuilder()
                      .setProducerId(producer.getProducerId())
                      .setProducerEpoch(producer.getProducerEpoch())
                      .setBaseSequence(sequence));
            }
            requests.add(request.build());
          });
      return requests;
    }
  }
}
