package dev.runnel.api.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runnel.sharding.TestPostgres;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code runnel schema create} against a real PostgreSQL, with the node's configuration file. */
class SchemaCommandTest {

  @RegisterExtension static final TestPostgres POSTGRES = new TestPostgres();

  @TempDir Path dir;

  private record Run(int exitCode, String out, String err) {}

  private static Run runnel(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        RunnelCli.execute(
            args,
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Path config(String url) throws Exception {
    Path file = dir.resolve("node-" + Math.abs(url.hashCode()) + ".conf");
    Files.writeString(
        file,
        "runnel.storage = jdbc\n"
            + "runnel.jdbc { url = \""
            + url
            + "\", user = \""
            + POSTGRES.user()
            + "\", connection-timeout = 2s }\n");
    return file;
  }

  @Test
  void shouldCreateTheSchemaOnceAndFindItTheSecondTime() throws Exception {
    String file = "--config=" + config(POSTGRES.url());

    Run first = runnel("schema", "create", file);
    assertEquals(RunnelCli.OK, first.exitCode(), first.toString());
    assertEquals("Created the schema: url=" + POSTGRES.url() + "\n", first.out());
    assertEquals(
        1L,
        POSTGRES.queryLong(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'event_journal'"));

    Run again = runnel("schema", "create", file);
    assertEquals(RunnelCli.OK, again.exitCode(), again.toString());
    assertEquals(
        "Schema already present, nothing to do: url=" + POSTGRES.url() + "\n", again.out());
  }

  @Test
  void shouldFailWithTheReasonWhenTheDatabaseCannotBeReachedOrTheConfigurationIsBad()
      throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Run unreachable =
        runnel(
            "schema",
            "create",
            "--config=" + config("jdbc:postgresql://127.0.0.1:" + closedPort + "/runnel"));
    assertEquals(RunnelCli.FAILED, unreachable.exitCode(), unreachable.toString());
    assertTrue(
        unreachable.err().contains("Cannot connect to the database: url=jdbc:postgresql://"),
        unreachable.err());

    Run missingFile = runnel("schema", "create", "--config=" + dir.resolve("missing.conf"));
    assertEquals(RunnelCli.USAGE, missingFile.exitCode(), missingFile.toString());
    assertTrue(missingFile.err().contains("Bad configuration file"), missingFile.err());
  }
}
