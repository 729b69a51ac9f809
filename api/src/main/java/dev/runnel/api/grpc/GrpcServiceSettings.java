package dev.runnel.api.grpc;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The limits of the gRPC service, from {@code runnel.server} (this module's {@code reference.conf}
 * explains each).
 *
 * @param requestTimeout how long a produce or admin request waits for the cluster's answer
 * @param produceStreamInFlight how many batches of one ProduceStream call are in work at once
 * @param maxRecordsPerResponse records in one ConsumeResponse when the request names no number
 * @param maxBytesPerResponse about the most record bytes in one ConsumeResponse
 * @param consumerBufferBatches stored batches a Consume call reads ahead of its client
 * @param pingInterval how often a connection with calls open but no data is pinged; zero: never
 */
public record GrpcServiceSettings(
    Duration requestTimeout,
    int produceStreamInFlight,
    int maxRecordsPerResponse,
    int maxBytesPerResponse,
    int consumerBufferBatches,
    Duration pingInterval) {

  public GrpcServiceSettings {
    requirePositive("runnel.server.produce-stream-in-flight", produceStreamInFlight);
    requirePositive("runnel.server.consume.max-records-per-response", maxRecordsPerResponse);
    requirePositive("runnel.server.consume.max-bytes-per-response", maxBytesPerResponse);
    requirePositive("runnel.server.consume.buffer-batches", consumerBufferBatches);
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException(
          "Invalid server setting: runnel.server.request-timeout=" + requestTimeout);
    }
    if (pingInterval.isNegative()) {
      throw new IllegalArgumentException(
          "Invalid server setting: runnel.server.ping-interval=" + pingInterval);
    }
  }

  /** The settings under {@code runnel.server}. */
  public static GrpcServiceSettings fromConfig(Config server) {
    return new GrpcServiceSettings(
        server.getDuration("request-timeout"),
        server.getInt("produce-stream-in-flight"),
        server.getInt("consume.max-records-per-response"),
        (int) Math.min(Integer.MAX_VALUE, server.getBytes("consume.max-bytes-per-response")),
        server.getInt("consume.buffer-batches"),
        server.getDuration("ping-interval"));
  }

  private static void requirePositive(String key, int value) {
    if (value < 1) {
      throw new IllegalArgumentException("Invalid server setting: " + key + "=" + value);
    }
  }
}
