package dev.runnel.api.cli;

import akka.NotUsed;
import akka.event.Logging;
import akka.stream.RestartSettings;
import akka.stream.javadsl.RestartSource;
import akka.stream.javadsl.Source;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.api.grpc.GrpcErrors;
import dev.runnel.api.grpc.v1.ConsumeGroupRequest;
import dev.runnel.api.grpc.v1.ConsumeRequest;
import dev.runnel.api.grpc.v1.ConsumerRecord;
import dev.runnel.api.grpc.v1.OffsetReset;
import dev.runnel.api.grpc.v1.OffsetSpec;
import dev.runnel.api.internal.Completions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runnel consume}: prints a topic's records, one per line, from a start position in one
 * partition or all, following the log or stopping at its end. A broken connection is reopened with
 * backoff at the offset after the last record printed, so nothing is printed twice.
 */
@Command(
    name = "consume",
    mixinStandardHelpOptions = true,
    description = {
      "Prints records of a topic, one per line: the fields chosen with --print, then the value.",
      "Starts at the end of each partition unless told otherwise; follows the log unless"
          + " --no-follow."
    })
final class ConsumeCommand implements Callable<Integer> {

  @ParentCommand RunnelCli cli;
  @Mixin ClientOptions client;
  @Mixin Progress.Options progress;

  @Parameters(paramLabel = "TOPIC")
  String topic;

  @Option(
      names = {"-p", "--partition"},
      description = "Read this partition only (default: every partition).")
  Integer partition;

  @ArgGroup(exclusive = true)
  Start start = new Start();

  static final class Start {
    @Option(names = "--offset", description = "Start at this offset (with --partition).")
    Long offset;

    @Option(names = "--from-beginning", description = "Start at the first record still stored.")
    boolean beginning;

    @Option(names = "--from-end", description = "Start after the last record (the default).")
    boolean end;

    @Option(
        names = "--from-time",
        paramLabel = "TIME",
        description = "Start at the first record at or after TIME: epoch ms or ISO-8601 instant.")
    String time;
  }

  @Option(
      names = {"-g", "--group"},
      description = "Consume as a member of this consumer group (the group assigns partitions).")
  String group;

  @Option(
      names = "--follow",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Wait for new records (default); --no-follow stops at the end.")
  boolean follow;

  @Option(
      names = {"-n", "--max-records"},
      description = "Stop after this many records.")
  Long maxRecords;

  @Option(
      names = "--reset",
      defaultValue = "none",
      description =
          "When --offset is outside the log: none (fail), earliest or latest (default: ${DEFAULT-VALUE}).")
  String reset;

  @Option(
      names = "--print",
      split = ",",
      paramLabel = "FIELD",
      description = "Fields before the value: partition, offset, timestamp, key, headers.")
  List<String> fields = new ArrayList<>();

  @Option(
      names = "--separator",
      defaultValue = "\t",
      description = "Between fields in text format (default: TAB).")
  String separator;

  @Option(
      names = "--format",
      defaultValue = "text",
      description = "text (fields then value) or json (one object per line with every field).")
  String format;

  @Override
  public Integer call() throws Exception {
    RecordFormat output = RecordFormat.of(format, fields, separator);
    OffsetReset resetMode =
        switch (reset) {
          case "none" -> OffsetReset.OFFSET_RESET_NONE;
          case "earliest" -> OffsetReset.OFFSET_RESET_EARLIEST;
          case "latest" -> OffsetReset.OFFSET_RESET_LATEST;
          default -> throw new IllegalArgumentException("Bad --reset: " + reset);
        };
    if (start.offset != null && partition == null) {
      throw new IllegalArgumentException("--offset needs --partition");
    }
    try (ClientOptions.Session session = client.connect()) {
      AtomicLong printed = new AtomicLong();
      Source<Printable, NotUsed> records;
      if (group != null) {
        records =
            session
                .client()
                .consumeGroup(
                    ConsumeGroupRequest.newBuilder()
                        .setGroupId(group)
                        .addTopics(topic)
                        .setReset(
                            start.beginning
                                ? OffsetReset.OFFSET_RESET_EARLIEST
                                : OffsetReset.OFFSET_RESET_LATEST)
                        .build())
                .filter(event -> event.hasRecords())
                .mapConcat(
                    event ->
                        event.getRecords().getRecordsList().stream()
                            .map(
                                r ->
                                    new Printable(
                                        event.getRecords().getPartition().getPartition(), r))
                            .toList());
      } else {
        List<Integer> partitions = session.partitions(topic, partition);
        records =
            Source.from(partitions)
                .flatMapMerge(partitions.size(), p -> partitionRecords(session, p, resetMode));
      }
      if (maxRecords != null) {
        records = records.take(maxRecords);
      }
      try (Progress ticker = progress.start(cli.err, "consumed", printed::get)) {
        session.await(
            records.runForeach(
                record -> {
                  cli.out.println(output.format(topic, record.partition(), record.record()));
                  printed.incrementAndGet();
                },
                session.system()),
            Duration.ofDays(3650));
      }
      cli.out.flush();
      progress.summary(cli.err, "Consumed " + printed.get() + " records from " + topic);
      return RunnelCli.OK;
    }
  }

  /** A record and its partition. */
  record Printable(int partition, ConsumerRecord record) {}

  /** One partition's records, reopened after a broken connection at the next offset. */
  private Source<Printable, NotUsed> partitionRecords(
      ClientOptions.Session session, int p, OffsetReset resetMode) {
    AtomicLong next = new AtomicLong(-1);
    // Reconnects only a stream that delivered records: a server that cannot be reached at all
    // fails the command at once. Each reconnect is logged as one line, not a stack trace.
    RestartSettings backoff =
        RestartSettings.create(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2)
            .withMaxRestarts(Integer.MAX_VALUE, Duration.ofSeconds(5))
            .withRestartOn(failure -> next.get() >= 0 && connectionLost(failure))
            .withLogSettings(
                RestartSettings.createLogSettings(Logging.InfoLevel())
                    .withCriticalLogLevel(Logging.WarningLevel(), 10));
    return RestartSource.onFailuresWithBackoff(
        backoff,
        () ->
            session
                .client()
                .consume(request(p, next.get(), resetMode))
                .mapConcat(response -> response.getRecordsList())
                .map(
                    record -> {
                      next.set(record.getOffset() + 1);
                      return new Printable(p, record);
                    }));
  }

  private ConsumeRequest request(int p, long next, OffsetReset resetMode) {
    ConsumeRequest.Builder request =
        ConsumeRequest.newBuilder()
            .setTopic(topic)
            .setPartition(p)
            .setFollow(follow)
            .setReset(resetMode);
    if (next >= 0) {
      return request.setOffset(next).build();
    }
    if (start.offset != null) {
      request.setOffset(start.offset);
    } else if (start.beginning) {
      request.setSpec(OffsetSpec.OFFSET_SPEC_EARLIEST);
    } else if (start.time != null) {
      request.setTimestamp(parseTime(start.time));
    } else {
      request.setSpec(OffsetSpec.OFFSET_SPEC_LATEST);
    }
    return request.build();
  }

  static long parseTime(String time) {
    try {
      return Long.parseLong(time);
    } catch (NumberFormatException notMillis) {
      try {
        return Instant.parse(time).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "Bad time, expected epoch milliseconds or an ISO-8601 instant: " + time, e);
      }
    }
  }

  /** Whether the failure is a lost or refused connection, worth reopening the stream for. */
  private static boolean connectionLost(Throwable failure) {
    Throwable cause = Completions.unwrap(failure);
    if (GrpcErrors.fromGrpc(cause).isPresent()) {
      ErrorCode code = GrpcErrors.fromGrpc(cause).get().code();
      return code == ErrorCode.NOT_AVAILABLE
          || code == ErrorCode.REQUEST_TIMED_OUT
          || code == ErrorCode.KAFKA_STORAGE_ERROR;
    }
    return cause instanceof StatusRuntimeException grpc
        && grpc.getStatus().getCode() == Status.Code.UNAVAILABLE;
  }
}
