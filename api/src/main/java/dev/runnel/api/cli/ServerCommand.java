package dev.runnel.api.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.runnel.api.server.RunnelServer;
import dev.runnel.api.server.ServerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code runnel server}: starts a node with its gRPC listener and runs until stopped (SIGTERM or
 * Ctrl-C stop it gracefully). Flags override environment variables, which override the
 * configuration file (see {@link ServerConfig}).
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a Runnel node and its gRPC listener; runs until SIGTERM or Ctrl-C, which stop it"
          + " gracefully.",
      "Settings: flags, then RUNNEL_* environment variables, then --config (HOCON), then the"
          + " defaults (docs/server.md)."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:stopped",
      "1:could not start (data directory in use, address in use, ...)",
      "2:bad configuration or arguments"
    })
final class ServerCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", description = "A HOCON configuration file.")
  Path config;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "runnel.data-dir")
  String dataDir;

  @Option(names = "--host", description = "runnel.server.host: the gRPC listen address.")
  String host;

  @Option(names = "--port", description = "runnel.server.port: the gRPC port (0: any free one).")
  Integer port;

  @Option(names = "--storage", description = "runnel.storage (segment).")
  String storage;

  @Option(names = "--fsync", description = "runnel.fsync: always, interval or never.")
  String fsync;

  @Option(
      names = "--cluster-host",
      description = "runnel.cluster.hostname: the address other nodes reach this one at.")
  String clusterHost;

  @Option(names = "--cluster-port", description = "runnel.cluster.port (0: any free one).")
  Integer clusterPort;

  @Option(
      names = "--seed-node",
      paramLabel = "HOST:PORT",
      description = "runnel.cluster.seed-nodes; repeatable.")
  List<String> seedNodes = new ArrayList<>();

  @Option(
      names = "--tls-certificate-chain",
      paramLabel = "FILE",
      description = "runnel.server.tls.certificate-chain (PEM).")
  String tlsCertificateChain;

  @Option(
      names = "--tls-private-key",
      paramLabel = "FILE",
      description = "runnel.server.tls.private-key (PEM).")
  String tlsPrivateKey;

  @Override
  public Integer call() throws Exception {
    Config flags = ConfigFactory.empty();
    flags = set(flags, "runnel.data-dir", dataDir);
    flags = set(flags, "runnel.server.host", host);
    flags = set(flags, "runnel.server.port", port);
    flags = set(flags, "runnel.storage", storage);
    flags = set(flags, "runnel.fsync", fsync);
    flags = set(flags, "runnel.cluster.hostname", clusterHost);
    flags = set(flags, "runnel.cluster.port", clusterPort);
    flags = set(flags, "runnel.server.tls.certificate-chain", tlsCertificateChain);
    flags = set(flags, "runnel.server.tls.private-key", tlsPrivateKey);
    if (!seedNodes.isEmpty()) {
      flags =
          flags.withValue("runnel.cluster.seed-nodes", ConfigValueFactory.fromIterable(seedNodes));
    }
    RunnelServer server;
    try {
      server =
          RunnelServer.start(
              ServerConfig.load(flags, Optional.ofNullable(config), System.getenv()));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Bad configuration: " + e.getMessage(), e);
    }
    server.awaitTermination();
    return RunnelCli.OK;
  }

  private static Config set(Config config, String path, Object value) {
    return value == null ? config : config.withValue(path, ConfigValueFactory.fromAnyRef(value));
  }
}
