package dev.runnel.api.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runnel server} as its own process: ready line, refusals, environment, SIGTERM. */
class ServerProcessTest {

  private static final Duration EXIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void shouldRefuseADataDirectoryAnotherServerHoldsAndStopGracefullyOnSigterm() throws Exception {
    Path data = dir.resolve("data");
    try (ServerProcess first = ServerProcess.start(data)) {
      first.awaitReady();
      try (ServerProcess second = ServerProcess.start(data)) {
        second.awaitLine(line -> line.contains("Data directory in use by another process"), EXIT);
        assertEquals(1, second.awaitExit(EXIT), second.output());
      }
      assertTrue(first.isAlive());

      first.terminate();
      first.awaitLine(line -> line.contains("Runnel server stopped"), EXIT);
      first.awaitExit(EXIT);
    }
    assertTrue(Files.exists(data.resolve(DataDirLock.FILE_NAME)));
    try (ServerProcess again = ServerProcess.start(data)) {
      again.awaitReady(); // the lock went with the process that held it
    }
  }

  @Test
  void shouldRefuseABadConfigurationNamingTheSetting() throws Exception {
    try (ServerProcess server =
        ServerProcess.start(dir.resolve("data"), List.of(), Map.of(), "--storage=nosuch")) {
      server.awaitLine(line -> line.contains("runnel.storage=nosuch"), EXIT);
      assertEquals(2, server.awaitExit(EXIT), server.output());
    }
  }

  @Test
  void shouldTakeItsDataDirectoryAndPortFromTheEnvironment() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path data = dir.resolve("from-env");
    try (ServerProcess server =
        ServerProcess.start(
            null,
            List.of("-Xmx256m"),
            Map.of("RUNNEL_DATA_DIR", data.toString(), "RUNNEL_PORT", Integer.toString(port)))) {
      assertEquals(port, server.awaitReady());
      server.awaitLine(line -> line.contains("data-dir=" + data), EXIT);
    }
  }
}
