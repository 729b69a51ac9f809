package dev.runnel.multinode;

import com.google.protobuf.ByteString;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.api.grpc.GrpcErrors;
import dev.runnel.api.grpc.v1.Acks;
import dev.runnel.api.grpc.v1.InitProducerRequest;
import dev.runnel.api.grpc.v1.InitProducerResponse;
import dev.runnel.api.grpc.v1.ProduceRequest;
import dev.runnel.api.grpc.v1.ProduceResponse;
import dev.runnel.api.grpc.v1.ProducerIdentity;
import dev.runnel.api.grpc.v1.ProducerRecord;
import dev.runnel.api.grpc.v1.RunnelServiceClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * An idempotent producer with acks=all over gRPC that writes to every partition of a topic without
 * pause until stopped: one batch per partition in flight, each record's value {@code
 * p<partition>-<sequence>} (padded with {@code x} to a given size). A batch that fails for a reason
 * that may pass (a node died, the partition is moving, no answer within {@link #ATTEMPT_TIMEOUT})
 * is sent again, with the same producer sequence numbers, through the next running node, until it
 * is acknowledged; so every batch ends acknowledged once, and a batch the partition had already
 * written is answered as a duplicate instead of being written twice. Any other failure is kept in
 * {@link #errors()} and ends that partition's writing.
 *
 * <p>Thread-safe: each partition's loop runs on the client's executor, one step at a time; the test
 * thread reads what was acknowledged.
 */
final class ContinuousProducer {

  /** How long one attempt waits for its answer before the batch is sent again. */
  static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(1);

  private static final Duration RETRY_BACKOFF = Duration.ofMillis(100);

  private final NodeCluster cluster;
  private final String topic;
  private final int recordsPerBatch;
  private final String padding;
  private final OptionalInt via;
  private final Executor executor;
  private final Executor backoff;
  private final List<PartitionWriter> writers = new ArrayList<>();
  private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
  private volatile boolean stopping;

  /**
   * A batch acknowledged: when the attempt that succeeded was sent and when it was answered
   * (System.nanoTime), through which node, at which offset.
   */
  record Ack(long sentNanos, long nanos, int node, long baseOffset) {}

  private ContinuousProducer(
      NodeCluster cluster, String topic, int recordsPerBatch, int valueBytes, OptionalInt via) {
    this.cluster = cluster;
    this.topic = topic;
    this.recordsPerBatch = recordsPerBatch;
    this.padding = "x".repeat(Math.max(0, valueBytes - 12));
    this.via = via;
    this.executor = cluster.executor();
    this.backoff =
        CompletableFuture.delayedExecutor(
            RETRY_BACKOFF.toMillis(), TimeUnit.MILLISECONDS, executor);
  }

  /** Starts writing to partitions {@code 0 .. partitions - 1} of {@code topic}. */
  static ContinuousProducer start(
      NodeCluster cluster, String topic, int partitions, int recordsPerBatch) {
    return start(cluster, topic, partitions, recordsPerBatch, 0, OptionalInt.empty());
  }

  /**
   * Starts writing, with values padded to about {@code valueBytes}, through node {@code via} first
   * if given (else partition {@code p} starts at node {@code p mod size}).
   */
  static ContinuousProducer start(
      NodeCluster cluster,
      String topic,
      int partitions,
      int recordsPerBatch,
      int valueBytes,
      OptionalInt via) {
    ContinuousProducer producer =
        new ContinuousProducer(cluster, topic, recordsPerBatch, valueBytes, via);
    InitProducerResponse identity =
        NodeCluster.await(
            cluster.anyClient().initProducer(InitProducerRequest.getDefaultInstance()));
    for (int p = 0; p < partitions; p++) {
      PartitionWriter writer = producer.new PartitionWriter(p, identity);
      producer.writers.add(writer);
      writer.next();
    }
    return producer;
  }

  /** The values acknowledged in partition {@code p}, in the order written. */
  List<String> acknowledged(int p) {
    PartitionWriter writer = writers.get(p);
    synchronized (writer) {
      return List.copyOf(writer.acknowledged);
    }
  }

  /** The acknowledgements of partition {@code p}'s batches, in order. */
  List<Ack> acks(int p) {
    PartitionWriter writer = writers.get(p);
    synchronized (writer) {
      return List.copyOf(writer.acks);
    }
  }

  /**
   * The first acknowledgement of partition {@code p} for an attempt sent after {@code nanos}
   * (System.nanoTime): after a kill at that time, one the dead node cannot have answered.
   */
  Optional<Ack> firstAckSentAfter(int p, long nanos) {
    return acks(p).stream().filter(ack -> ack.sentNanos() > nanos).findFirst();
  }

  /** The number of batches partition {@code p} has had acknowledged. */
  int batches(int p) {
    PartitionWriter writer = writers.get(p);
    synchronized (writer) {
      return writer.acks.size();
    }
  }

  /** The longest time between two acknowledgements of one partition, over all partitions. */
  Duration longestGap() {
    long longest = 0;
    for (int p = 0; p < writers.size(); p++) {
      List<Ack> acks = acks(p);
      for (int i = 1; i < acks.size(); i++) {
        longest = Math.max(longest, acks.get(i).nanos() - acks.get(i - 1).nanos());
      }
    }
    return Duration.ofNanos(longest);
  }

  /** Records acknowledged in all partitions. */
  long records() {
    long total = 0;
    for (int p = 0; p < writers.size(); p++) {
      total += (long) batches(p) * recordsPerBatch;
    }
    return total;
  }

  /** Waits until every partition has had {@code more} batches acknowledged beyond the current. */
  void awaitMoreBatches(int more, Duration timeout) {
    int[] target = new int[writers.size()];
    for (int p = 0; p < target.length; p++) {
      target[p] = batches(p) + more;
    }
    cluster.awaitUntil(
        more + " more batches in every partition",
        timeout,
        () -> {
          for (int p = 0; p < target.length; p++) {
            if (batches(p) < target[p]) {
              return false;
            }
          }
          return true;
        });
  }

  /** Failures that were not worth retrying (none in a healthy run). */
  List<String> errors() {
    return List.copyOf(errors);
  }

  /** Stops after the batches in flight are acknowledged; waits for them up to {@code timeout}. */
  void stop(Duration timeout) {
    stopping = true;
    CompletableFuture.allOf(writers.stream().map(w -> w.done).toArray(CompletableFuture[]::new))
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .join();
  }

  /** The writing of one partition: one batch at a time, each sent until acknowledged. */
  private final class PartitionWriter {
    final int partition;
    final InitProducerResponse identity;
    final List<String> acknowledged = new ArrayList<>();
    final List<Ack> acks = new ArrayList<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    int node;

    PartitionWriter(int partition, InitProducerResponse identity) {
      this.partition = partition;
      this.identity = identity;
      this.node = via.orElse(partition % cluster.size());
    }

    /** Sends the next batch, or ends when stopping. */
    void next() {
      if (stopping) {
        done.complete(null);
        return;
      }
      int sequence;
      synchronized (this) {
        sequence = acknowledged.size();
      }
      ProduceRequest.Builder request =
          ProduceRequest.newBuilder()
              .setTopic(topic)
              .setPartition(partition)
              .setAcks(Acks.ACKS_ALL)
              .setProducer(
                  ProducerIdentity.newBuilder()
                      .setProducerId(identity.getProducerId())
                      .setProducerEpoch(identity.getProducerEpoch())
                      .setBaseSequence(sequence));
      List<String> values = new ArrayList<>(recordsPerBatch);
      for (int i = 0; i < recordsPerBatch; i++) {
        String value = "p" + partition + "-" + (sequence + i) + padding;
        values.add(value);
        request.addRecords(
            ProducerRecord.newBuilder()
                .setValue(ByteString.copyFrom(value, StandardCharsets.UTF_8)));
      }
      send(request.build(), values);
    }

    void send(ProduceRequest request, List<String> values) {
      Optional<RunnelServiceClient> client = nextRunningNode();
      if (client.isEmpty()) {
        backoff.execute(() -> send(request, values));
        return;
      }
      int through = node;
      long sent = System.nanoTime();
      CompletionStage<ProduceResponse> answer =
          client
              .get()
              .produce(request)
              .toCompletableFuture()
              .orTimeout(ATTEMPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      answer.whenCompleteAsync(
          (response, failure) -> {
            if (failure == null) {
              synchronized (this) {
                acknowledged.addAll(values);
                acks.add(
                    new Ack(
                        sent, System.nanoTime(), through, response.getResults(0).getBaseOffset()));
              }
              next();
            } else if (retriable(failure)) {
              node = (node + 1) % cluster.size();
              backoff.execute(() -> send(request, values));
            } else {
              errors.add("partition=" + partition + ", via=" + through + ", failure=" + failure);
              done.complete(null);
            }
          },
          executor);
    }

    /** The client of this writer's node if it runs, else of the next node that does. */
    Optional<RunnelServiceClient> nextRunningNode() {
      for (int i = 0; i < cluster.size(); i++) {
        int candidate = (node + i) % cluster.size();
        Optional<RunnelServiceClient> client = cluster.client(candidate);
        if (client.isPresent()) {
          node = candidate;
          return client;
        }
      }
      return Optional.empty();
    }
  }

  /** Whether the same request may succeed later: a Runnel error that says so, or no answer. */
  static boolean retriable(Throwable failure) {
    Optional<RunnelException> runnel = GrpcErrors.fromGrpc(failure);
    return runnel.map(e -> e.code().retriable()).orElse(true);
  }
}
