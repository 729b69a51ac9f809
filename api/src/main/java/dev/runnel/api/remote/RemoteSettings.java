package dev.runnel.api.remote;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How a remote {@link dev.runnel.api.Runnel} reaches its server: {@code runnel.client} of the
 * configuration (see this module's {@code reference.conf}).
 *
 * @param host the server's host
 * @param port the server's gRPC port
 * @param tls whether to connect with TLS
 * @param caCertificates PEM certificates to trust instead of the JDK's authorities, if any
 * @param requestTimeout how long a unary request waits for its answer
 * @param minBackoff the first wait before reconnecting a broken stream
 * @param maxBackoff the longest wait between reconnection attempts
 * @param randomFactor how much each wait is stretched at random (0.2: up to 20%), so that many
 *     clients of a restarted server do not all come back at once
 */
public record RemoteSettings(
    String host,
    int port,
    boolean tls,
    Optional<Path> caCertificates,
    Duration requestTimeout,
    Duration minBackoff,
    Duration maxBackoff,
    double randomFactor) {

  /** The mode value that selects a remote client. */
  public static final String REMOTE = "remote";

  /** The mode value that starts a node in this JVM. */
  public static final String EMBEDDED = "embedded";

  /**
   * Reads {@code runnel.client} of {@code config}.
   *
   * @throws RunnelException with {@link ErrorCode#INVALID_CONFIG} naming the bad setting
   */
  public static RemoteSettings fromConfig(Config config) {
    Config client = config.getConfig("runnel.client");
    try {
      String server = client.getString("server");
      int colon = server.lastIndexOf(':');
      if (colon <= 0 || colon == server.length() - 1) {
        throw invalid("runnel.client.server", server, "expected HOST:PORT");
      }
      int port;
      try {
        port = Integer.parseInt(server.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw invalid("runnel.client.server", server, "the port is not a number");
      }
      if (port < 1 || port > 65535) {
        throw invalid("runnel.client.server", server, "the port is not within 1-65535");
      }
      String ca = client.getString("tls.ca-certificates");
      Optional<Path> caCertificates = ca.isEmpty() ? Optional.empty() : Optional.of(Path.of(ca));
      if (caCertificates.isPresent() && !Files.isReadable(caCertificates.get())) {
        throw invalid("runnel.client.tls.ca-certificates", ca, "not a readable file");
      }
      Duration requestTimeout = positive(client, "request-timeout");
      Duration minBackoff = positive(client, "reconnect.min-backoff");
      Duration maxBackoff = positive(client, "reconnect.max-backoff");
      if (maxBackoff.compareTo(minBackoff) < 0) {
        throw invalid(
            "runnel.client.reconnect.max-backoff",
            client.getString("reconnect.max-backoff"),
            "below runnel.client.reconnect.min-backoff");
      }
      double randomFactor = client.getDouble("reconnect.random-factor");
      if (randomFactor < 0 || randomFactor > 1) {
        throw invalid(
            "runnel.client.reconnect.random-factor",
            String.valueOf(randomFactor),
            "not within 0-1");
      }
      return new RemoteSettings(
          server.substring(0, colon),
          port,
          client.getBoolean("tls.enabled") || caCertificates.isPresent(),
          caCertificates,
          requestTimeout,
          minBackoff,
          maxBackoff,
          randomFactor);
    } catch (ConfigException e) {
      throw new RunnelException(
          ErrorCode.INVALID_CONFIG, "Bad client setting: " + e.getMessage(), e);
    }
  }

  /**
   * The wait before reconnection attempt {@code attempt} (0 for the first): doubling from the
   * minimum up to the maximum backoff, stretched by up to the random factor.
   */
  public Duration backoff(int attempt, double random) {
    double base = minBackoff.toNanos() * Math.pow(2, Math.min(attempt, 30));
    double capped = Math.min(base, maxBackoff.toNanos());
    return Duration.ofNanos((long) (capped * (1 + randomFactor * random)));
  }

  private static Duration positive(Config client, String path) {
    Duration value = client.getDuration(path);
    if (value.isNegative() || value.isZero()) {
      throw invalid("runnel.client." + path, client.getString(path), "must be positive");
    }
    return value;
  }

  private static RunnelException invalid(String setting, String value, String reason) {
    return new RunnelException(
        ErrorCode.INVALID_CONFIG,
        "Bad client setting: setting=" + setting + ", value=" + value + ", reason=" + reason);
  }
}
