package dev.runnel.api.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RemoteSettingsTest {

  private static Config client(String settings) {
    return ConfigFactory.parseString(settings).withFallback(ConfigFactory.defaultReference());
  }

  @Test
  void shouldReadTheServerAndDefaults() {
    RemoteSettings settings =
        RemoteSettings.fromConfig(client("runnel.client.server = \"node-1.example:9000\""));
    assertEquals("node-1.example", settings.host());
    assertEquals(9000, settings.port());
    assertFalse(settings.tls());
    assertEquals(Duration.ofSeconds(30), settings.requestTimeout());
  }

  @Test
  void shouldRefuseBadSettingsNamingThem() {
    for (String bad :
        new String[] {
          "runnel.client.server = \"no-port\"",
          "runnel.client.server = \"host:http\"",
          "runnel.client.server = \"host:70000\"",
          "runnel.client.request-timeout = 0s",
          "runnel.client.reconnect.max-backoff = 10ms",
          "runnel.client.reconnect.random-factor = 2",
          "runnel.client.tls.ca-certificates = \"/no/such/file.pem\"",
          "runnel.client.request-timeout = soon"
        }) {
      RunnelException refused =
          assertThrows(RunnelException.class, () -> RemoteSettings.fromConfig(client(bad)), bad);
      assertEquals(ErrorCode.INVALID_CONFIG, refused.code(), bad);
      String setting = bad.substring(0, bad.indexOf(' '));
      assertTrue(
          refused.getMessage().contains(setting.substring(setting.lastIndexOf('.') + 1)),
          refused.getMessage());
    }
  }

  @Test
  void shouldDoubleTheBackoffUpToItsMaximumAndStretchItByTheRandomFactorAtMost() {
    RemoteSettings settings =
        RemoteSettings.fromConfig(
            client(
                "runnel.client.reconnect { min-backoff = 100ms, max-backoff = 1s,"
                    + " random-factor = 0.5 }"));
    assertEquals(Duration.ofMillis(100), settings.backoff(0, 0));
    assertEquals(Duration.ofMillis(200), settings.backoff(1, 0));
    assertEquals(Duration.ofMillis(800), settings.backoff(3, 0));
    assertEquals(Duration.ofSeconds(1), settings.backoff(4, 0));
    assertEquals(Duration.ofSeconds(1), settings.backoff(1000, 0));
    assertEquals(Duration.ofMillis(1500), settings.backoff(1000, 1));
  }
}
