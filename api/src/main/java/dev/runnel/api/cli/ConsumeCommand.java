package dev.runnel.api.cli;

import akka.NotUsed;
import akka.actor.Cancellable;
import akka.event.Logging;
import akka.stream.RestartSettings;
import akka.stream.javadsl.RestartSource;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.api.grpc.GrpcErrors;
import dev.runnel.api.grpc.v1.ConsumeGroupRequest;
import dev.runnel.api.grpc.v1.ConsumeRequest;
import dev.runnel.api.grpc.v1.ConsumerRecord;
import dev.runnel.api.grpc.v1.DescribeGroupRequest;
import dev.runnel.api.grpc.v1.OffsetReset;
import dev.runnel.api.grpc.v1.OffsetSpec;
import dev.runnel.api.grpc.v1.PartitionOffset;
import dev.runnel.api.grpc.v1.PartitionOffsetRequest;
import dev.runnel.api.grpc.v1.TopicPartition;
import dev.runnel.api.internal.Completions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runnel consume}: prints a topic's records, one per line, from a start position in one
 * partition or all, following the log or stopping at its end. The start position is turned into an
 * offset first; a broken connection is reopened with backoff at the offset after the last record
 * printed, so nothing is printed twice or skipped. With {@code --group} it is a member of a
 * consumer group instead (see {@link GroupProgress}) and commits what it printed; a broken
 * connection makes it join again, and it reads on from the group's last commit.
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

  /**
   * Reopens a stream that broke with a lost or refused connection, after a backoff; each reopening
   * is logged as one line, not a stack trace. A server that cannot be reached at all fails the
   * command before any stream starts: a first request is answered before.
   */
  private static final RestartSettings RECONNECTING =
      RestartSettings.create(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2)
          .withMaxRestarts(Integer.MAX_VALUE, Duration.ofSeconds(5))
          .withRestartOn(ConsumeCommand::connectionLost)
          .withLogSettings(
              RestartSettings.createLogSettings(Logging.InfoLevel())
                  .withCriticalLogLevel(Logging.WarningLevel(), 10));

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
      names = "--commit-interval-ms",
      defaultValue = "5000",
      description =
          "With --group: commit what was printed this often, and at exit (default: ${DEFAULT-VALUE}).")
  long commitIntervalMs;

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
          "When the start offset, or the one to reconnect at, is outside the log: none (fail),"
              + " earliest or latest (default: ${DEFAULT-VALUE}).")
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
    if (group != null && (partition != null || start.offset != null || start.time != null)) {
      throw new IllegalArgumentException(
          "--group takes its partitions and offsets from the group: no --partition, --offset or"
              + " --from-time");
    }
    try (ClientOptions.Session session = client.connect()) {
      AtomicLong printed = new AtomicLong();
      Source<Printable, NotUsed> records;
      GroupProgress groupProgress = group == null ? null : new GroupProgress(group);
      if (group != null) {
        session.await(
            session
                .client()
                .describeGroup(DescribeGroupRequest.newBuilder().setGroupId(group).build()));
        ConsumeGroupRequest request =
            ConsumeGroupRequest.newBuilder()
                .setGroupId(group)
                .addTopics(topic)
                .setReset(
                    start.beginning
                        ? OffsetReset.OFFSET_RESET_EARLIEST
                        : OffsetReset.OFFSET_RESET_LATEST)
                .build();
        // A broken call is made again: the server's member left the group with it, and the new
        // one reads on from the group's commits (what was printed since may be printed again).
        records =
            RestartSource.onFailuresWithBackoff(
                    RECONNECTING, () -> session.client().consumeGroup(request))
                .filter(groupProgress::follow)
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
        Map<Integer, Long> from = startOffsets(session, partitions);
        records =
            Source.from(partitions)
                .flatMapMerge(
                    partitions.size(), p -> partitionRecords(session, p, from.get(p), resetMode));
      }
      Source<Printable, NotUsed> shown =
          records.mapAsync(
              1,
              record -> {
                cli.out.println(output.format(topic, record.partition(), record.record()));
                long count = printed.incrementAndGet();
                if (groupProgress == null) {
                  return CompletableFuture.completedFuture(record);
                }
                groupProgress.printed(
                    TopicPartition.newBuilder()
                        .setTopic(topic)
                        .setPartition(record.partition())
                        .build(),
                    record.record().getOffset());
                // The last record: commit before the stream ends, while the member still exists.
                return maxRecords != null && count >= maxRecords
                    ? groupProgress.commit(session.client()).thenApply(done -> record)
                    : CompletableFuture.completedFuture(record);
              });
      if (maxRecords != null) {
        shown = shown.take(maxRecords);
      }
      Cancellable commits =
          groupProgress == null
              ? Cancellable.alreadyCancelled()
              : session
                  .system()
                  .scheduler()
                  .scheduleWithFixedDelay(
                      Duration.ofMillis(commitIntervalMs),
                      Duration.ofMillis(commitIntervalMs),
                      () -> commitQuietly(session, groupProgress),
                      session.system().dispatcher());
      Thread lastCommit = new Thread(() -> commitQuietly(session, groupProgress));
      if (groupProgress != null) {
        // Ctrl-C: commit what was printed while the stream, and so the member, still runs.
        Runtime.getRuntime().addShutdownHook(lastCommit);
      }
      try (Progress ticker = progress.start(cli.err, "consumed", printed::get)) {
        session.await(shown.runWith(Sink.ignore(), session.system()), Duration.ofDays(3650));
      } finally {
        commits.cancel();
        if (groupProgress != null) {
          Runtime.getRuntime().removeShutdownHook(lastCommit);
        }
      }
      cli.out.flush();
      progress.summary(cli.err, "Consumed " + printed.get() + " records from " + topic);
      return RunnelCli.OK;
    }
  }

  /** Commits what was printed, reporting a refusal on standard error; waits for the answer. */
  private void commitQuietly(ClientOptions.Session session, GroupProgress groupProgress) {
    try {
      session.await(groupProgress.commit(session.client()));
    } catch (Exception e) {
      cli.err.println("runnel: commit failed: " + RunnelCli.describe(e));
    }
  }

  /** A record and its partition. */
  record Printable(int partition, ConsumerRecord record) {}

  /**
   * The offset each partition starts at: the one given, else the one the start option finds now.
   * Known before the first call, so that a stream broken before it delivered anything is reopened
   * where it started, and records written while it was broken are not skipped.
   */
  private Map<Integer, Long> startOffsets(ClientOptions.Session session, List<Integer> partitions)
      throws Exception {
    Map<Integer, Long> from = new HashMap<>();
    if (start.offset != null) {
      // Asked anyway: the server answers once before any stream starts (see RECONNECTING).
      session.listOffsets(
          topic,
          partitions,
          p -> PartitionOffsetRequest.newBuilder().setOffsetSpec(OffsetSpec.OFFSET_SPEC_LATEST));
      partitions.forEach(p -> from.put(p, start.offset));
      return from;
    }
    for (PartitionOffset found :
        session.listOffsets(
            topic,
            partitions,
            p ->
                start.time != null
                    ? PartitionOffsetRequest.newBuilder().setTimestamp(parseTime(start.time))
                    : PartitionOffsetRequest.newBuilder()
                        .setOffsetSpec(
                            start.beginning
                                ? OffsetSpec.OFFSET_SPEC_EARLIEST
                                : OffsetSpec.OFFSET_SPEC_LATEST))) {
      from.put(found.getPartition(), found.getOffset());
    }
    // No record that recent: from the end, as a consumer that seeks to a time too late.
    List<Integer> tooLate = partitions.stream().filter(p -> from.get(p) < 0).toList();
    if (!tooLate.isEmpty()) {
      for (PartitionOffset end :
          session.listOffsets(
              topic,
              tooLate,
              p ->
                  PartitionOffsetRequest.newBuilder()
                      .setOffsetSpec(OffsetSpec.OFFSET_SPEC_LATEST))) {
        from.put(end.getPartition(), end.getOffset());
      }
    }
    return from;
  }

  /** One partition's records from {@code from}, reopened after a broken connection at the next. */
  private Source<Printable, NotUsed> partitionRecords(
      ClientOptions.Session session, int p, long from, OffsetReset outside) {
    AtomicLong next = new AtomicLong(from);
    return RestartSource.onFailuresWithBackoff(
        RECONNECTING,
        () ->
            session
                .client()
                .consume(
                    ConsumeRequest.newBuilder()
                        .setTopic(topic)
                        .setPartition(p)
                        .setFollow(follow)
                        .setOffset(next.get())
                        .setReset(outside)
                        .build())
                .mapConcat(response -> response.getRecordsList())
                .map(
                    record -> {
                      next.set(record.getOffset() + 1);
                      return new Printable(p, record);
                    }));
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
