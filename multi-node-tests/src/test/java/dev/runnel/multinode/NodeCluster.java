package dev.runnel.multinode;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.grpc.GrpcClientSettings;
import com.typesafe.config.ConfigFactory;
import dev.runnel.api.grpc.v1.ClusterServiceClient;
import dev.runnel.api.grpc.v1.ClusterStatusRequest;
import dev.runnel.api.grpc.v1.ClusterStatusResponse;
import dev.runnel.api.grpc.v1.CreateTopicRequest;
import dev.runnel.api.grpc.v1.RunnelServiceClient;
import dev.runnel.api.server.ServerProcess;
import dev.runnel.sharding.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runnel nodes as separate JVMs ({@code runnel server}) on 127.0.0.1 over one PostgreSQL database,
 * with a gRPC client for each running node.
 *
 * <p>Every node has its own cluster port (fixed for its lifetime, so it restarts at the same
 * address), data directory and a free gRPC port (new on every start). All nodes list the first
 * three as seed nodes. Nodes run with the defaults of {@code runnel-node.conf} plus {@code
 * settings}, in small JVMs (256 MiB heap, serial GC, C1 only).
 *
 * <p>{@link #close} kills every process this cluster started (SIGKILL) and closes the clients; a
 * JVM shutdown hook does the same if the test JVM ends first. Methods are called from the test
 * thread; {@link #client} may be called from any thread.
 */
final class NodeCluster implements AutoCloseable {

  /** How long a stopped node may take to leave the cluster and exit. */
  private static final Duration STOP = Duration.ofSeconds(60);

  private static final int SEEDS = 3;

  private final TestPostgres postgres;
  private final Path dir;
  private final Map<String, String> settings;
  private final List<Node> nodes = new CopyOnWriteArrayList<>();
  private final List<ServerProcess> started = new CopyOnWriteArrayList<>();
  private final Thread killer = new Thread(this::killAll, "kill-runnel-nodes");
  private final ActorSystem<Void> clients;

  /**
   * A cluster of {@code size} nodes, started in parallel; returns when all are ready.
   *
   * @param settings extra {@code runnel.*} or {@code akka.*} settings for every node
   */
  static NodeCluster start(TestPostgres postgres, Path dir, int size, Map<String, String> settings)
      throws InterruptedException {
    NodeCluster cluster = new NodeCluster(postgres, dir, settings);
    try {
      for (int i = 0; i < Math.max(size, SEEDS); i++) {
        cluster.nodes.add(new Node(i, freePort(), dir.resolve("node-" + i)));
      }
      for (int i = 0; i < size; i++) {
        cluster.launch(cluster.nodes.get(i));
      }
      for (int i = 0; i < size; i++) {
        cluster.awaitReady(cluster.nodes.get(i));
      }
      return cluster;
    } catch (InterruptedException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  private NodeCluster(TestPostgres postgres, Path dir, Map<String, String> settings) {
    this.postgres = postgres;
    this.dir = dir;
    this.settings = settings;
    Runtime.getRuntime().addShutdownHook(killer);
    this.clients =
        ActorSystem.create(
            Behaviors.empty(),
            "test-clients",
            ConfigFactory.parseString(
                    "akka.loglevel = WARNING\nakka.stdout-loglevel = OFF\n"
                        + "akka.log-dead-letters = off")
                .withFallback(ConfigFactory.load()));
  }

  /** The number of nodes this cluster knows, running or not. */
  int size() {
    return nodes.size();
  }

  /** Whether node {@code index} runs (started and neither killed nor stopped). */
  boolean running(int index) {
    return nodes.get(index).client != null;
  }

  /** The gRPC client of node {@code index}, empty while it does not run. */
  Optional<RunnelServiceClient> client(int index) {
    return Optional.ofNullable(nodes.get(index).client);
  }

  /** The client of the first running node. */
  RunnelServiceClient anyClient() {
    for (int i = 0; i < nodes.size(); i++) {
      Optional<RunnelServiceClient> client = client(i);
      if (client.isPresent()) {
        return client.get();
      }
    }
    throw new IllegalStateException("No node runs");
  }

  /** The actor system the clients run on. */
  ActorSystem<Void> clientSystem() {
    return clients;
  }

  /** Where the clients' callbacks run. */
  Executor executor() {
    return clients.executionContext();
  }

  /** Creates a topic through a running node. */
  void createTopic(String name, int partitions) {
    await(
        anyClient()
            .createTopic(
                CreateTopicRequest.newBuilder().setName(name).setPartitions(partitions).build()));
  }

  /** The cluster address of node {@code index} ({@code akka://runnel@127.0.0.1:port}). */
  String address(int index) {
    return "akka://runnel@127.0.0.1:" + nodes.get(index).clusterPort;
  }

  /** The index of the node with this cluster address. */
  int indexOf(String address) {
    for (Node node : nodes) {
      if (address(node.index).equals(address)) {
        return node.index;
      }
    }
    throw new IllegalArgumentException("No such node: address=" + address);
  }

  /** Node {@code index}'s view of the cluster. */
  ClusterStatusResponse status(int index) {
    Node node = nodes.get(index);
    if (node.cluster == null) {
      throw new IllegalStateException("Node not running: index=" + index);
    }
    return await(node.cluster.clusterStatus(ClusterStatusRequest.getDefaultInstance()));
  }

  /** Kills node {@code index} with SIGKILL and waits until the process is gone. */
  void kill(int index) throws InterruptedException {
    Node node = nodes.get(index);
    closeClients(node);
    node.process.kill();
  }

  /**
   * Stops node {@code index} with SIGTERM (it leaves the cluster) and waits until it has exited.
   */
  void stop(int index) throws InterruptedException {
    Node node = nodes.get(index);
    closeClients(node);
    node.process.terminate();
    node.process.awaitExit(STOP);
  }

  /** Starts node {@code index} again (or for the first time), at its cluster address. */
  void restart(int index) throws InterruptedException {
    Node node = nodes.get(index);
    launch(node);
    awaitReady(node);
  }

  /** Adds a node, which joins through the seed nodes; returns its index once it is ready. */
  int add() throws InterruptedException {
    Node node = new Node(nodes.size(), freePort(), dir.resolve("node-" + nodes.size()));
    nodes.add(node);
    launch(node);
    awaitReady(node);
    return node.index;
  }

  /**
   * Writes what every node process printed to {@code target/node-logs/<name>/}, one file per
   * process in start order, so that a failed run can be read afterwards.
   */
  void saveOutputs(String name) {
    Path logs = Path.of("target", "node-logs", name);
    try {
      Files.createDirectories(logs);
      for (int i = 0; i < started.size(); i++) {
        Files.writeString(logs.resolve("process-" + i + ".log"), started.get(i).output());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot save node output: dir=" + logs, e);
    }
  }

  /** Waits until {@code condition} holds, checking every 100 ms; fails after {@code timeout}. */
  void awaitUntil(String what, Duration timeout, BooleanSupplier condition) {
    TestProbe.create(clients)
        .awaitAssert(
            timeout,
            Duration.ofMillis(100),
            () -> {
              if (!condition.getAsBoolean()) {
                throw new AssertionError("Not yet: " + what);
              }
              return null;
            });
  }

  /** The value of a stage, failing after 30 seconds. */
  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("No answer: " + e, e);
    }
  }

  @Override
  public void close() {
    killAll();
    for (Node node : nodes) {
      closeClients(node);
    }
    clients.terminate();
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }

  private void killAll() {
    for (ServerProcess process : started) {
      try {
        process.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private void launch(Node node) {
    List<String> jvm = new ArrayList<>();
    jvm.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    jvm.add("-Drunnel.cluster.port=" + node.clusterPort);
    postgres
        .nodeConfig()
        .entrySet()
        .forEach(e -> jvm.add("-D" + e.getKey() + "=" + e.getValue().unwrapped()));
    settings.forEach((key, value) -> jvm.add("-D" + key + "=" + value));
    List<String> args = new ArrayList<>();
    args.add("--port=0");
    for (int i = 0; i < SEEDS; i++) {
      args.add("--seed-node=127.0.0.1:" + nodes.get(i).clusterPort);
    }
    try {
      node.process = ServerProcess.start(node.dataDir, jvm, Map.of(), args.toArray(String[]::new));
    } catch (IOException e) {
      throw new UncheckedIOException("Node did not start: index=" + node.index, e);
    }
    started.add(node.process);
  }

  private void awaitReady(Node node) throws InterruptedException {
    int grpcPort = node.process.awaitReady();
    GrpcClientSettings client =
        GrpcClientSettings.connectToServiceAt("127.0.0.1", grpcPort, clients)
            .withTls(false)
            .withConnectionAttempts(3);
    node.client = RunnelServiceClient.create(client, clients);
    node.cluster = ClusterServiceClient.create(client, clients);
  }

  private static void closeClients(Node node) {
    RunnelServiceClient client = node.client;
    ClusterServiceClient cluster = node.cluster;
    node.client = null;
    node.cluster = null;
    if (client != null) {
      CompletableFuture.allOf(
              client.close().toCompletableFuture(), cluster.close().toCompletableFuture())
          .completeOnTimeout(null, 5, TimeUnit.SECONDS)
          .join();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One node: fixed cluster port and data directory, its current process and clients. */
  private static final class Node {
    final int index;
    final int clusterPort;
    final Path dataDir;
    ServerProcess process;
    volatile RunnelServiceClient client;
    volatile ClusterServiceClient cluster;

    Node(int index, int clusterPort, Path dataDir) {
      this.index = index;
      this.clusterPort = clusterPort;
      this.dataDir = dataDir;
    }
  }
}
