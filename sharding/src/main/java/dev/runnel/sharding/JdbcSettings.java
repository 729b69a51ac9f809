package dev.runnel.sharding;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.Objects;

/**
 * The validated {@code runnel.jdbc} settings: where the PostgreSQL database of {@code
 * runnel.storage = jdbc} is and how a node uses it. The node maps them onto akka-persistence-jdbc's
 * shared database ({@code runnel-jdbc.conf}); {@link JdbcSchema} connects with them directly.
 *
 * @param url the JDBC URL, {@code jdbc:postgresql://host:port/database}
 * @param user the database user
 * @param password the user's password ("" for none)
 * @param poolSize connections of the node's pool, shared by journal, snapshot store and read
 *     journal; also the number of threads that run their statements
 * @param connectionTimeout how long getting a connection may take, from the pool or at start
 * @param createSchemaOnStart whether a starting node creates missing tables ({@link JdbcSchema})
 * @param refreshInterval how often a live reader asks the database for new events when it has seen
 *     all
 * @param rowsPerQuery the most events one query of a reader or of a recovery fetches
 */
public record JdbcSettings(
    String url,
    String user,
    String password,
    int poolSize,
    Duration connectionTimeout,
    boolean createSchemaOnStart,
    Duration refreshInterval,
    int rowsPerQuery) {

  /** The only database akka-persistence-jdbc's PostgreSQL profile and schema are for. */
  static final String URL_PREFIX = "jdbc:postgresql:";

  public JdbcSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(connectionTimeout, "connectionTimeout");
    Objects.requireNonNull(refreshInterval, "refreshInterval");
    if (!url.startsWith(URL_PREFIX)) {
      throw invalid("url", url, URL_PREFIX + "//host:port/database");
    }
    if (poolSize < 1) {
      throw invalid("pool-size", poolSize, ">= 1");
    }
    // Hikari refuses connection timeouts below 250 ms.
    if (connectionTimeout.toMillis() < 250) {
      throw invalid("connection-timeout", connectionTimeout, ">= 250ms");
    }
    if (refreshInterval.toMillis() < 1) {
      throw invalid("refresh-interval", refreshInterval, ">= 1ms");
    }
    if (rowsPerQuery < 1) {
      throw invalid("rows-per-query", rowsPerQuery, ">= 1");
    }
  }

  /**
   * Reads the {@code runnel.jdbc} section.
   *
   * @throws IllegalArgumentException naming the bad key and value
   */
  public static JdbcSettings fromConfig(Config runnelJdbc) {
    try {
      return new JdbcSettings(
          runnelJdbc.getString("url"),
          runnelJdbc.getString("user"),
          runnelJdbc.getString("password"),
          runnelJdbc.getInt("pool-size"),
          runnelJdbc.getDuration("connection-timeout"),
          runnelJdbc.getBoolean("create-schema-on-start"),
          runnelJdbc.getDuration("refresh-interval"),
          runnelJdbc.getInt("rows-per-query"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Invalid storage setting: " + e.getMessage(), e);
    }
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return "JdbcSettings[url="
        + url
        + ", user="
        + user
        + ", poolSize="
        + poolSize
        + ", connectionTimeout="
        + connectionTimeout
        + ", createSchemaOnStart="
        + createSchemaOnStart
        + ", refreshInterval="
        + refreshInterval
        + ", rowsPerQuery="
        + rowsPerQuery
        + "]";
  }

  private static IllegalArgumentException invalid(String key, Object value, String expected) {
    return new IllegalArgumentException(
        "Invalid storage setting: runnel.jdbc." + key + "=" + value + ", expected=" + expected);
  }
}
