package dev.runnel.api.remote;

import static dev.runnel.api.TestNode.result;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.runnel.api.Runnel;
import dev.runnel.api.server.RunnelServer;
import dev.runnel.api.server.ServerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Runnel server in the test JVM on 127.0.0.1 for remote clients: a cluster of one on a data
 * directory, fsync off. {@link #restart} stops it and starts a new one on the same data directory
 * and the same gRPC port, as a server restart looks to its clients. Closing it closes the clients
 * it made too.
 */
public final class RemoteTestServer implements AutoCloseable {

  private final Path dataDir;
  private final Map<String, Object> overrides;
  private final List<Runnel> clients = new ArrayList<>();
  private RunnelServer server;
  private int port;

  private RemoteTestServer(Path dataDir, Map<String, Object> overrides) {
    this.dataDir = dataDir;
    this.overrides = overrides;
  }

  /** A ready server on {@code dataDir} on a free port, with {@code overrides} of its settings. */
  public static RemoteTestServer start(Path dataDir, Map<String, Object> overrides) {
    RemoteTestServer server = new RemoteTestServer(dataDir, overrides);
    server.startOn(0);
    return server;
  }

  /** A ready server on {@code dataDir} on a free port. */
  public static RemoteTestServer start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  private void startOn(int wanted) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("runnel.data-dir", dataDir.toString());
    settings.put("runnel.fsync", "never");
    settings.put("runnel.cluster.port", 0);
    settings.put("runnel.server.host", "127.0.0.1");
    settings.put("runnel.server.port", wanted);
    settings.putAll(overrides);
    server =
        RunnelServer.start(
            ServerConfig.load(ConfigFactory.parseMap(settings), Optional.empty(), Map.of()));
    result(server.ready());
    port = server.grpc().localAddress().getPort();
  }

  /** The gRPC port the server listens on (the same after a restart). */
  public int port() {
    return port;
  }

  /** The server's node, to check what a remote client did. */
  public Runnel node() {
    return server.runnel();
  }

  /** A remote client's configuration for this server, reconnecting quickly. */
  public Config clientConfig() {
    return ConfigFactory.parseMap(
            Map.of(
                "runnel.client.mode",
                RemoteSettings.REMOTE,
                "runnel.client.server",
                "127.0.0.1:" + port,
                "runnel.client.reconnect.min-backoff",
                "50ms",
                "runnel.client.reconnect.max-backoff",
                "500ms",
                "akka.loglevel",
                "WARNING"))
        .withFallback(ConfigFactory.load());
  }

  /** A remote client of this server; {@link #close} closes it. */
  public Runnel client() {
    Runnel client = Runnel.start(clientConfig());
    clients.add(client);
    return client;
  }

  /** Stops the server; clients' calls fail or break until {@link #startAgain}. */
  public void stop() {
    server.close();
  }

  /** Starts a new server on the same data directory and port once {@link #stop} is done. */
  public void startAgain() {
    startOn(port);
  }

  /** Stops the server and starts a new one on the same data directory and port. */
  public void restart() {
    stop();
    startAgain();
  }

  /** Closes the clients {@link #client} made, then stops the server. */
  @Override
  public void close() {
    clients.forEach(Runnel::close);
    server.close();
  }
}
