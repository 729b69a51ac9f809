package dev.runnel.sharding;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL schema of {@code runnel.storage = jdbc}: akka-persistence-jdbc's own tables
 * ({@code schema/postgres/postgres-create-schema.sql} in its jar), created in the {@code public}
 * schema of the database {@code runnel.jdbc.url} names.
 *
 * <pre>
 * event_journal  one row per event: (persistence_id, sequence_number) primary key, deleted flag,
 *                event_payload bytea (a partition's event is its record batch as encoded)
 * event_tag      tags of events (Runnel writes none)
 * snapshot       one row per snapshot: (persistence_id, sequence_number) primary key
 * durable_state  akka-persistence-jdbc's durable state store (Runnel does not use it)
 * </pre>
 *
 * <p>{@link #create} is idempotent: it does nothing when the tables Runnel needs exist, and
 * otherwise runs the script with {@code IF NOT EXISTS} on every statement, so it also completes a
 * schema an earlier run left half made. It runs the whole script in one transaction under a
 * transaction-scoped PostgreSQL advisory lock, so nodes starting together with {@code
 * create-schema-on-start} wait for the first one and then find the schema made. The script's {@code
 * CREATE INDEX CONCURRENTLY} becomes a plain {@code CREATE INDEX}: a concurrent build cannot run in
 * a transaction, and it waits for every other open transaction, which deadlocked with a second node
 * waiting for the lock; the tables are new and empty, so a plain build blocks nothing.
 *
 * <p>From a shell: {@code runnel schema create}, with the node's configuration.
 *
 * <p>Thread-safe: stateless; each call uses a connection of its own.
 */
public final class JdbcSchema {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcSchema.class);

  /** The script in akka-persistence-jdbc's jar this schema is made of. */
  static final String SCRIPT = "/schema/postgres/postgres-create-schema.sql";

  /** The tables the journal, snapshot store and read journal read and write. */
  static final List<String> TABLES = List.of("event_journal", "event_tag", "snapshot");

  /** Advisory lock key held while creating: "runnel" in ASCII. */
  private static final long LOCK_KEY = 0x72756e6e656cL;

  private static final Pattern CREATE_INDEX =
      Pattern.compile(
          "^(CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+)(?:CONCURRENTLY\\s+)?(?!IF\\s+NOT\\s+EXISTS)",
          Pattern.CASE_INSENSITIVE);

  private JdbcSchema() {}

  /**
   * Creates the schema in the database of {@code runnel.jdbc} in {@code config} (reference defaults
   * and system properties apply as for a node), unless its tables exist.
   *
   * @return true if it created anything, false if the tables were there
   * @throws IllegalArgumentException if a {@code runnel.jdbc} setting is invalid
   * @throws IllegalStateException if the database cannot be reached or a statement fails
   */
  public static boolean create(Config config) {
    return create(JdbcSettings.fromConfig(ConfigFactory.load(config).getConfig("runnel.jdbc")));
  }

  /** {@link #create(Config)} with settings already read. */
  public static boolean create(JdbcSettings settings) {
    try (Connection connection = connect(settings)) {
      return create(connection, settings);
    } catch (SQLException e) {
      throw failure("Creating the schema failed", settings, e);
    }
  }

  /**
   * What a node does before it starts on this storage: connects once, so that bad connection
   * settings stop it with a clear message, and creates the schema ({@code create-schema-on-start})
   * or checks that it exists.
   *
   * @throws IllegalStateException if the database cannot be reached or tables are missing
   */
  static void prepare(JdbcSettings settings) {
    try (Connection connection = connect(settings)) {
      if (settings.createSchemaOnStart()) {
        create(connection, settings);
        return;
      }
      List<String> missing = missingTables(connection);
      if (!missing.isEmpty()) {
        throw new IllegalStateException(
            "Database schema missing: url="
                + settings.url()
                + ", missingTables="
                + missing
                + ". Create it with 'runnel schema create' (with the node's configuration) or"
                + " start the node with runnel.jdbc.create-schema-on-start = on");
      }
    } catch (SQLException e) {
      throw failure(
          settings.createSchemaOnStart()
              ? "Creating the schema failed"
              : "Checking the schema failed",
          settings,
          e);
    }
  }

  /** The tables of {@link #TABLES} that the {@code public} schema lacks. */
  static List<String> missingTables(Connection connection) throws SQLException {
    List<String> missing = new ArrayList<>();
    try (PreparedStatement exists =
        connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      for (String table : TABLES) {
        exists.setString(1, "public." + table);
        try (ResultSet result = exists.executeQuery()) {
          result.next();
          if (!result.getBoolean(1)) {
            missing.add(table);
          }
        }
      }
    }
    return missing;
  }

  private static boolean create(Connection connection, JdbcSettings settings) throws SQLException {
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      // Released by the commit or rollback; the tables are checked after it is held, so a node
      // that waited sees what the first one committed.
      statement.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
      List<String> missing = missingTables(connection);
      if (missing.isEmpty()) {
        connection.commit();
        return false;
      }
      for (String sql : statements()) {
        statement.execute(sql);
      }
      connection.commit();
      LOG.info("Created the database schema: url={}, missingTables={}", settings.url(), missing);
      return true;
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    }
  }

  /** The script's statements, each made idempotent. */
  static List<String> statements() {
    String script;
    try (InputStream in = JdbcSchema.class.getResourceAsStream(SCRIPT)) {
      if (in == null) {
        throw new IllegalStateException(
            "Schema script not on the classpath: resource=" + SCRIPT + " (akka-persistence-jdbc)");
      }
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read the schema script: resource=" + SCRIPT, e);
    }
    return Arrays.stream(script.split(";"))
        .map(String::strip)
        .filter(sql -> !sql.isEmpty())
        .map(sql -> CREATE_INDEX.matcher(sql).replaceFirst("$1IF NOT EXISTS "))
        .toList();
  }

  private static Connection connect(JdbcSettings settings) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", settings.user());
    properties.setProperty("password", settings.password());
    String seconds = Long.toString(Math.max(1, settings.connectionTimeout().toSeconds()));
    properties.setProperty("connectTimeout", seconds);
    properties.setProperty("loginTimeout", seconds);
    try {
      return DriverManager.getConnection(settings.url(), properties);
    } catch (SQLException e) {
      throw failure("Cannot connect to the database", settings, e);
    }
  }

  private static IllegalStateException failure(String what, JdbcSettings settings, SQLException e) {
    return new IllegalStateException(
        what
            + ": url="
            + settings.url()
            + ", user="
            + settings.user()
            + ", sqlState="
            + e.getSQLState()
            + ", reason="
            + e.getMessage(),
        e);
  }
}
