package dev.runnel.api.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration {@code runnel server} starts a node with, stacked from the top:
 *
 * <ol>
 *   <li>JVM system properties ({@code -Drunnel.data-dir=...}; Typesafe Config puts them first);
 *   <li>the server's flags ({@code --data-dir}, {@code --port}, ...);
 *   <li>environment variables ({@code RUNNEL_DATA_DIR}, {@code RUNNEL_PORT}, ..., listed in {@code
 *       server-environment.conf} beside this class, and {@code RUNNEL_SEED_NODES});
 *   <li>the configuration file given with {@code --config}, else {@code application.conf} from the
 *       classpath, if any;
 *   <li>the server's own Akka defaults ({@code server-defaults.conf}: logging through slf4j);
 *   <li>the {@code reference.conf} defaults of every module (the {@code runnel} keys are documented
 *       there and in docs/configuration.md).
 * </ol>
 */
public final class ServerConfig {

  /** The variable with the seed nodes, comma-separated {@code host:port}. */
  public static final String SEED_NODES_VARIABLE = "RUNNEL_SEED_NODES";

  private ServerConfig() {}

  /**
   * The configuration from flags, an optional file and the environment (unresolved: the node
   * resolves it with system properties and defaults).
   *
   * @throws IllegalArgumentException if the file is missing or not valid HOCON; the message names
   *     it
   */
  public static Config load(Config flags, Optional<Path> file, Map<String, String> environment) {
    Config fromFile;
    try {
      fromFile =
          file.map(
                  path ->
                      ConfigFactory.parseFile(
                          path.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)))
              .orElseGet(ConfigFactory::defaultApplication);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(
          "Bad configuration file: file=" + file.orElse(null) + ", reason=" + e.getMessage(), e);
    }
    Config defaults = ConfigFactory.parseResources(ServerConfig.class, "server-defaults.conf");
    return flags
        .withFallback(fromEnvironment(environment))
        .withFallback(fromFile)
        .withFallback(defaults);
  }

  /** The keys the environment sets (and only those). */
  static Config fromEnvironment(Map<String, String> environment) {
    Config variables =
        ConfigValueFactory.fromMap(Map.<String, Object>copyOf(environment)).toConfig();
    Config set =
        ConfigFactory.parseResources(ServerConfig.class, "server-environment.conf")
            .resolveWith(variables);
    String seeds = environment.get(SEED_NODES_VARIABLE);
    if (seeds != null && !seeds.isBlank()) {
      List<String> nodes =
          Arrays.stream(seeds.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
      set = set.withValue("runnel.cluster.seed-nodes", ConfigValueFactory.fromIterable(nodes));
    }
    return set;
  }
}
