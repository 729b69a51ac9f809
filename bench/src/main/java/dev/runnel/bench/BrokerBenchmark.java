package dev.runnel.bench;

import akka.Done;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import com.sun.management.OperatingSystemMXBean;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.runnel.actors.TopicPartition;
import dev.runnel.api.Runnel;
import dev.runnel.api.admin.NewTopic;
import dev.runnel.api.consumer.Consumer;
import dev.runnel.api.consumer.ConsumerRecord;
import dev.runnel.api.consumer.ConsumerSettings;
import dev.runnel.api.consumer.Subscriptions;
import dev.runnel.api.producer.ProducerRecord;
import dev.runnel.api.producer.ProducerSettings;
import dev.runnel.api.producer.RunnelProducer;
import dev.runnel.api.serialization.Serdes;
import dev.runnel.api.server.RunnelServer;
import dev.runnel.api.server.ServerConfig;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The broker benchmark: records produced and consumed through the embedded Java API on a single
 * node with the segment storage. Three runs, each on a fresh node and data directory:
 *
 * <ol>
 *   <li>throughput with {@code fsync = never}: one producer sends N records of S bytes without keys
 *       (sticky partitioning) to a topic of P partitions as fast as its buffer allows; then one
 *       consumer reads all of them back from offset 0;
 *   <li>end-to-end latency with {@code fsync = never}: a producer sends at a fixed rate with {@code
 *       linger.ms = 0} (as Kafka's own latency tests do; otherwise defaults: {@code acks = all},
 *       idempotent) while a consumer tails the topic; each record carries its send time, and the
 *       consumer records now minus that time. The sender parks between sends;
 *   <li>throughput with {@code fsync = always}: several producers send at once, so their batches
 *       share the storage's forces.
 * </ol>
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = "Measures producing and consuming through the embedded API on one node.")
final class BrokerBenchmark implements Callable<Integer> {

  private static final String TOPIC = "bench";
  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  @Option(names = "--dir", description = "Directory for the data; emptied afterwards.")
  private Path dir = Path.of(System.getProperty("java.io.tmpdir"), "runnel-broker-bench");

  @Option(
      names = "--records",
      description = "Records per throughput run (default: ${DEFAULT-VALUE}).")
  private long records = 5_000_000;

  @Option(
      names = "--record-bytes",
      description = "Value size of each record (default: ${DEFAULT-VALUE}).")
  private int recordBytes = 100;

  @Option(
      names = "--partitions",
      description = "Partitions of the topic (default: ${DEFAULT-VALUE}).")
  private int partitions = 8;

  @Option(
      names = "--producers",
      description = "Producers of the fsync = never throughput run (default: ${DEFAULT-VALUE}).")
  private int producers = 1;

  @Option(
      names = "--producer-property",
      description =
          "A producer setting of the throughput runs, as key=value; repeatable"
              + " (e.g. batch.size=131072).")
  private Map<String, String> producerProperties = new LinkedHashMap<>();

  @Option(
      names = "--remote",
      description =
          "Produce and consume as a remote client (runnel.client.mode = remote) of a server in"
              + " this JVM, over gRPC on 127.0.0.1.")
  private boolean remote;

  @Option(
      names = "--rate",
      description = "Records per second of the latency run (default: ${DEFAULT-VALUE}).")
  private int rate = 10_000;

  @Option(
      names = "--latency-seconds",
      description = "Duration of the latency run (default: ${DEFAULT-VALUE}).")
  private int latencySeconds = 20;

  @Option(
      names = "--synced-producers",
      description = "Producers of the fsync = always run (default: ${DEFAULT-VALUE}).")
  private int syncedProducers = 8;

  @Option(
      names = "--synced-records",
      description = "Records of the fsync = always run (default: ${DEFAULT-VALUE}).")
  private long syncedRecords = 2_000_000;

  @Option(
      names = "--run",
      split = ",",
      description = "Runs: throughput, latency, synced (default: ${DEFAULT-VALUE}).")
  private List<String> runs = List.of("throughput", "latency", "synced");

  @Override
  public Integer call() throws Exception {
    System.out.printf(
        "broker benchmark%s: %d-byte records, %d partitions, %d cores, max heap %d MiB,"
            + " load average %.2f%n",
        remote ? " (remote client over gRPC)" : "",
        recordBytes,
        partitions,
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        OS.getSystemLoadAverage());
    for (String run : runs) {
      switch (run) {
        case "throughput" -> throughput();
        case "latency" -> latency();
        case "synced" -> synced();
        default -> throw new IllegalArgumentException("Unknown run: run=" + run);
      }
    }
    return 0;
  }

  private void throughput() throws Exception {
    try (Target target = start("never")) {
      Runnel runnel = target.runnel();
      createTopic(runnel);
      long cpu = OS.getProcessCpuTime();
      Throughput produced = produce(runnel, producers, records, producerProperties);
      print("produce (fsync never, " + describeProducers(producers) + ")", produced, cpu);
      cpu = OS.getProcessCpuTime();
      Throughput consumed = consume(runnel, records);
      print("consume (from offset 0)", consumed, cpu);
    } finally {
      StorageBenchmark.deleteRecursively(dir);
    }
  }

  private void synced() throws Exception {
    try (Target target = start("always")) {
      Runnel runnel = target.runnel();
      createTopic(runnel);
      long cpu = OS.getProcessCpuTime();
      Throughput produced = produce(runnel, syncedProducers, syncedRecords, producerProperties);
      print("produce (fsync always, " + describeProducers(syncedProducers) + ")", produced, cpu);
    } finally {
      StorageBenchmark.deleteRecursively(dir);
    }
  }

  /** The producer count, and the settings given on the command line, for a result's label. */
  private String describeProducers(int count) {
    String label = count + (count == 1 ? " producer" : " producers");
    return producerProperties.isEmpty() ? label : label + ", " + producerProperties;
  }

  /**
   * Sends {@code total} records split over {@code producerCount} producers, each keeping at most as
   * many records unanswered as its buffer holds, and waits for every acknowledgement.
   */
  private Throughput produce(
      Runnel runnel, int producerCount, long total, Map<String, String> properties)
      throws Exception {
    List<RunnelProducer<byte[], byte[]>> producers = new ArrayList<>();
    for (int i = 0; i < producerCount; i++) {
      ProducerSettings<byte[], byte[]> settings =
          ProducerSettings.create(
              runnel, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
      for (Map.Entry<String, String> property : properties.entrySet()) {
        settings = settings.withProperty(property.getKey(), property.getValue());
      }
      producers.add(runnel.producer(settings));
    }
    byte[] value = new byte[recordBytes];
    long perProducer = total / producerCount;
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (RunnelProducer<byte[], byte[]> producer : producers) {
      Thread thread =
          new Thread(() -> sendAll(producer, perProducer, value, failure), "bench-producer");
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    for (RunnelProducer<byte[], byte[]> producer : producers) {
      producer.close().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("A send failed", failure.get());
    }
    long sent = perProducer * producerCount;
    return new Throughput(sent, sent * recordBytes, seconds);
  }

  /** One producer's loop: a window of unanswered records bounds what it holds. */
  private static void sendAll(
      RunnelProducer<byte[], byte[]> producer,
      long count,
      byte[] value,
      AtomicReference<Throwable> failure) {
    Semaphore window = new Semaphore(100_000);
    CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
    for (long i = 0; i < count && failure.get() == null; i++) {
      window.acquireUninterruptibly();
      CompletionStage<?> sent = producer.send(new ProducerRecord<>(TOPIC, null, value));
      last =
          sent.<Void>handle(
                  (metadata, error) -> {
                    if (error != null) {
                      failure.compareAndSet(null, error);
                    }
                    window.release();
                    return null;
                  })
              .toCompletableFuture();
    }
    window.acquireUninterruptibly(100_000);
    last.join();
  }

  /** Reads every partition from offset 0 until {@code expected} records arrived. */
  private Throughput consume(Runnel runnel, long expected) throws Exception {
    ConsumerSettings<byte[], byte[]> settings =
        ConsumerSettings.create(
            runnel, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
    Map<TopicPartition, Long> fromStart = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      fromStart.put(new TopicPartition(TOPIC, p), 0L);
    }
    AtomicLong bytes = new AtomicLong();
    long start = System.nanoTime();
    CompletionStage<Done> done =
        Consumer.plainSource(settings, Subscriptions.assignmentWithOffset(fromStart))
            .take(expected)
            .map(
                record -> {
                  bytes.addAndGet(record.serializedValueSize());
                  return record;
                })
            .toMat(Sink.ignore(), Keep.right())
            .run(runnel.system());
    done.toCompletableFuture().get(10, TimeUnit.MINUTES);
    return new Throughput(expected, bytes.get(), (System.nanoTime() - start) / 1e9);
  }

  private void latency() throws Exception {
    try (Target target = start("never")) {
      Runnel runnel = target.runnel();
      createTopic(runnel);
      ConsumerSettings<byte[], byte[]> consumerSettings =
          ConsumerSettings.create(
              runnel, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
      Map<TopicPartition, Long> fromStart = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        fromStart.put(new TopicPartition(TOPIC, p), 0L);
      }
      long total = (long) rate * latencySeconds;
      long warmup = Math.min(total / 5, rate * 5L);
      Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
      AtomicLong seen = new AtomicLong();
      CompletionStage<Done> consumed =
          Consumer.plainSource(consumerSettings, Subscriptions.assignmentWithOffset(fromStart))
              .take(total)
              .map(record -> record(histogram, seen, warmup, record))
              .toMat(Sink.ignore(), Keep.right())
              .run(runnel.system());
      RunnelProducer<byte[], byte[]> producer =
          runnel.producer(
              ProducerSettings.create(
                      runnel, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer())
                  .withLinger(Duration.ZERO));
      long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
      long next = System.nanoTime();
      for (long i = 0; i < total; i++) {
        // Parks rather than spins until the next send: a spinning sender would take a core of
        // its own from the broker it measures (all of one on two cores).
        for (long wait = next - System.nanoTime(); wait > 0; wait = next - System.nanoTime()) {
          LockSupport.parkNanos(wait);
        }
        byte[] value = new byte[recordBytes];
        ByteBuffer.wrap(value).putLong(System.nanoTime());
        producer.send(new ProducerRecord<>(TOPIC, null, value));
        next += intervalNanos;
      }
      consumed.toCompletableFuture().get(1, TimeUnit.MINUTES);
      producer.close().toCompletableFuture().get(1, TimeUnit.MINUTES);
      System.out.printf(
          "%-40s %,d records at %,d/s (first %,d not counted; producer: linger.ms=0, acks=all,"
              + " idempotent): p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n",
          "end-to-end latency (fsync never)",
          total,
          rate,
          warmup,
          histogram.getValueAtPercentile(50) / 1e6,
          histogram.getValueAtPercentile(99) / 1e6,
          histogram.getValueAtPercentile(99.9) / 1e6,
          histogram.getMaxValue() / 1e6);
    } finally {
      StorageBenchmark.deleteRecursively(dir);
    }
  }

  private static ConsumerRecord<byte[], byte[]> record(
      Histogram histogram, AtomicLong seen, long warmup, ConsumerRecord<byte[], byte[]> record) {
    long latency = System.nanoTime() - ByteBuffer.wrap(record.value()).getLong();
    if (seen.incrementAndGet() > warmup) {
      histogram.recordValue(Math.min(latency, histogram.getHighestTrackableValue()));
    }
    return record;
  }

  /** The node the run measures and the client it runs through. */
  private record Target(Runnel runnel, RunnelServer server) implements AutoCloseable {
    @Override
    public void close() {
      runnel.close();
      if (server != null) {
        server.close();
      }
    }
  }

  /**
   * A fresh node with {@code fsync}; with {@code --remote} a server in this JVM and a remote client
   * of it over 127.0.0.1, else the node itself.
   */
  private Target start(String fsync) throws Exception {
    if (!remote) {
      return new Target(startNode(dir, Map.of("runnel.fsync", fsync)), null);
    }
    StorageBenchmark.deleteRecursively(dir);
    Files.createDirectories(dir);
    RunnelServer server =
        RunnelServer.start(
            ServerConfig.load(
                ConfigFactory.parseMap(
                    Map.of(
                        "runnel.data-dir", dir.toString(),
                        "runnel.fsync", fsync,
                        "runnel.cluster.port", "0",
                        "runnel.server.host", "127.0.0.1",
                        "runnel.server.port", "0",
                        "akka.loglevel", "WARNING")),
                Optional.empty(),
                Map.of()));
    try {
      server.ready().toCompletableFuture().get(1, TimeUnit.MINUTES);
      return new Target(
          Runnel.connect("127.0.0.1:" + server.grpc().localAddress().getPort()), server);
    } catch (Exception e) {
      server.close();
      throw e;
    }
  }

  /** A fresh single node on an emptied {@code dir}, with {@code settings} on top. */
  static Runnel startNode(Path dir, Map<String, String> settings) throws Exception {
    StorageBenchmark.deleteRecursively(dir);
    Files.createDirectories(dir);
    Config config =
        ConfigFactory.parseMap(settings)
            .withFallback(
                ConfigFactory.parseMap(
                    Map.of(
                        "runnel.data-dir",
                        dir.toString(),
                        "runnel.cluster.port",
                        "0",
                        "akka.loglevel",
                        "WARNING")))
            .withFallback(ConfigFactory.load());
    return Runnel.start(config);
  }

  private void createTopic(Runnel runnel) throws Exception {
    runnel
        .admin()
        .createTopic(new NewTopic(TOPIC, partitions))
        .toCompletableFuture()
        .get(1, TimeUnit.MINUTES);
  }

  /**
   * Prints a run's figures with the CPU time the process spent since {@code cpuBefore}: on a
   * machine that other work shares, CPU per record moves less than records per second.
   */
  private static void print(String what, Throughput throughput, long cpuBefore) {
    double cpuSeconds = (OS.getProcessCpuTime() - cpuBefore) / 1e9;
    System.out.printf(
        "%-40s %,12.0f records/s %8.1f MB/s (%,d records in %.2f s, cpu %.2f s = %.2f µs/record)%n",
        what,
        throughput.eventsPerSecond(),
        throughput.megabytesPerSecond(),
        throughput.events(),
        throughput.seconds(),
        cpuSeconds,
        cpuSeconds * 1e6 / throughput.events());
  }
}
