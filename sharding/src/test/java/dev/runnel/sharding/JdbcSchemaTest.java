package dev.runnel.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class JdbcSchemaTest {

  @RegisterExtension static final TestPostgres POSTGRES = new TestPostgres();

  @TempDir Path dir;

  @BeforeEach
  void dropTheSchema() throws SQLException {
    try (Connection connection = POSTGRES.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "DROP TABLE IF EXISTS event_tag, event_journal, snapshot, durable_state CASCADE");
    }
  }

  @Test
  void shouldCreateTheSchemaOnceAndThenDoNothing() throws SQLException {
    assertEquals(JdbcSchema.TABLES, missingTables());

    assertTrue(JdbcSchema.create(jdbcConfig("")), "created");
    assertEquals(List.of(), missingTables());

    assertFalse(JdbcSchema.create(jdbcConfig("")), "nothing left to do");
    assertEquals(List.of(), missingTables());
  }

  @Test
  void shouldLetNodesStartingTogetherCreateTheSchemaOnce() throws Exception {
    ExecutorService nodes = Executors.newFixedThreadPool(3);
    try {
      List<Future<Boolean>> created = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        created.add(nodes.submit(() -> JdbcSchema.create(jdbcConfig(""))));
      }
      int creators = 0;
      for (Future<Boolean> node : created) {
        creators += node.get(60, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertEquals(1, creators, "one creates, the others find it made");
    } finally {
      nodes.shutdownNow();
    }
    assertEquals(List.of(), missingTables());
  }

  @Test
  void shouldCompleteASchemaAnEarlierRunLeftHalfMade() throws SQLException {
    JdbcSchema.create(jdbcConfig(""));
    try (Connection connection = POSTGRES.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE snapshot");
    }

    assertTrue(JdbcSchema.create(jdbcConfig("")));

    assertEquals(List.of(), missingTables());
  }

  @Test
  void shouldRunEveryStatementOfTheScriptTwiceWithoutError() throws SQLException {
    List<String> statements = JdbcSchema.statements();
    assertTrue(
        statements.stream().anyMatch(sql -> sql.contains("INDEX IF NOT EXISTS")),
        statements.toString());
    assertTrue(
        statements.stream().noneMatch(sql -> sql.contains("CONCURRENTLY")), statements.toString());
    try (Connection connection = POSTGRES.connect();
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(true);
      for (int run = 0; run < 2; run++) {
        for (String sql : statements) {
          statement.execute(sql);
        }
      }
    }
    assertEquals(List.of(), missingTables());
  }

  @Test
  void shouldRefuseToStartANodeOnADatabaseWithoutTheSchema() {
    IllegalStateException e = startFailure("runnel.jdbc.create-schema-on-start = off");

    assertTrue(
        e.getMessage()
            .startsWith(
                "Database schema missing: url="
                    + POSTGRES.url()
                    + ", missingTables=[event_journal, event_tag, snapshot]. Create it with"),
        e.getMessage());
    assertTrue(e.getMessage().contains("runnel schema create"), e.getMessage());
  }

  @Test
  void shouldRefuseToStartANodeThatCannotReachTheDatabase() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/runnel";

    IllegalStateException e = startFailure("runnel.jdbc.url = \"" + url + "\"");

    assertTrue(
        e.getMessage()
            .startsWith(
                "Cannot connect to the database: url=" + url + ", user=postgres, sqlState=08001"),
        e.getMessage());
  }

  @Test
  void shouldRefuseToStartANodeOnADatabaseThatDoesNotExist() {
    String url = POSTGRES.url().replaceFirst("/runnel_[a-z0-9_]+", "/no_such_database");

    IllegalStateException e = startFailure("runnel.jdbc.url = \"" + url + "\"");

    assertTrue(e.getMessage().startsWith("Cannot connect to the database: url="), e.getMessage());
    assertTrue(e.getMessage().contains("no_such_database"), e.getMessage());
  }

  @Test
  void shouldRefuseAUrlOfAnotherDatabaseBeforeConnecting() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> JdbcSchema.create(jdbcConfig("runnel.jdbc.url = \"jdbc:mysql://db/runnel\"")));

    assertEquals(
        "Invalid storage setting: runnel.jdbc.url=jdbc:mysql://db/runnel,"
            + " expected=jdbc:postgresql://host:port/database",
        e.getMessage());
  }

  private List<String> missingTables() throws SQLException {
    try (Connection connection = POSTGRES.connect()) {
      return JdbcSchema.missingTables(connection);
    }
  }

  private static Config jdbcConfig(String hocon) {
    return ConfigFactory.parseString(hocon).withFallback(POSTGRES.nodeConfig());
  }

  /** The exception a node on the test database with {@code hocon} over its settings fails with. */
  private IllegalStateException startFailure(String hocon) {
    Config config =
        ConfigFactory.parseString(hocon)
            .withFallback(POSTGRES.nodeConfig())
            .withFallback(
                ConfigFactory.parseString(
                    "runnel.cluster.port = 0\nrunnel.data-dir = \"" + dir + "\""));
    return assertThrows(IllegalStateException.class, () -> RunnelNode.start(config));
  }
}
