package dev.runnel.api.producer;

import com.typesafe.config.Config;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.actors.partition.Acks;
import dev.runnel.api.Runnel;
import dev.runnel.api.internal.SettingsReader;
import dev.runnel.api.serialization.Serializer;
import dev.runnel.persistence.record.CompressionCodec;
import dev.runnel.persistence.record.RecordBatchCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of a producer, in the manner of Alpakka Kafka's {@code ProducerSettings}: created
 * from the {@code runnel.producer} defaults of a {@link Runnel} (see this module's {@code
 * reference.conf}, which explains each) and changed with {@code with...} methods or {@link
 * #withProperty} under Kafka's names. Every change is validated at once: a bad value fails with
 * {@code INVALID_CONFIG} naming the setting.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class ProducerSettings<K, V> {

  /** The section of the configuration the defaults come from. */
  public static final String CONFIG_PATH = "runnel.producer";

  static final String ACKS = "acks";
  static final String ENABLE_IDEMPOTENCE = "enable.idempotence";
  static final String LINGER_MS = "linger.ms";
  static final String BATCH_SIZE = "batch.size";
  static final String COMPRESSION_TYPE = "compression.type";
  static final String DELIVERY_TIMEOUT_MS = "delivery.timeout.ms";
  static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";
  static final String MAX_IN_FLIGHT = "max.in.flight.requests.per.connection";
  static final String MAX_BLOCK_MS = "max.block.ms";
  static final String BUFFER_MEMORY = "buffer.memory";
  static final String MAX_REQUEST_SIZE = "max.request.size";
  static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
  static final String METADATA_MAX_AGE_MS = "metadata.max.age.ms";
  static final String PARALLELISM = "parallelism";

  /** Every setting's name. */
  public static final List<String> NAMES =
      List.of(
          ACKS,
          ENABLE_IDEMPOTENCE,
          LINGER_MS,
          BATCH_SIZE,
          COMPRESSION_TYPE,
          DELIVERY_TIMEOUT_MS,
          REQUEST_TIMEOUT_MS,
          MAX_IN_FLIGHT,
          MAX_BLOCK_MS,
          BUFFER_MEMORY,
          MAX_REQUEST_SIZE,
          RETRY_BACKOFF_MS,
          METADATA_MAX_AGE_MS,
          PARALLELISM);

  private static final Map<String, Acks> ACKS_VALUES =
      Map.of(
          "all",
          Acks.ALL,
          "-1",
          Acks.ALL,
          "leader",
          Acks.LEADER,
          "1",
          Acks.LEADER,
          "none",
          Acks.NONE,
          "0",
          Acks.NONE);

  private static final Map<String, CompressionCodec> COMPRESSION_VALUES =
      Map.of(
          "none",
          CompressionCodec.NONE,
          "lz4",
          CompressionCodec.LZ4,
          "zstd",
          CompressionCodec.ZSTD);

  /** The largest batch the record format holds. */
  private static final int MAX_BATCH_BYTES = RecordBatchCodec.DEFAULT_MAX_BATCH_BYTES;

  private final Runnel runnel;
  private final Config config;
  private final Serializer<K> keySerializer;
  private final Serializer<V> valueSerializer;
  private final Acks acks;
  private final boolean idempotence;
  private final Duration linger;
  private final int batchSize;
  private final CompressionCodec compression;
  private final Duration deliveryTimeout;
  private final Duration requestTimeout;
  private final int maxInFlight;
  private final Duration maxBlock;
  private final long bufferMemory;
  private final int maxRequestSize;
  private final Duration retryBackoff;
  private final Duration metadataMaxAge;
  private final int parallelism;

  private ProducerSettings(
      Runnel runnel, Config config, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
    this.runnel = Objects.requireNonNull(runnel, "runnel");
    this.keySerializer = Objects.requireNonNull(keySerializer, "keySerializer");
    this.valueSerializer = Objects.requireNonNull(valueSerializer, "valueSerializer");
    this.config = config;
    SettingsReader read = SettingsReader.of(config, CONFIG_PATH, NAMES);
    this.acks = read.oneOf(ACKS, ACKS_VALUES);
    this.idempotence = read.bool(ENABLE_IDEMPOTENCE);
    this.linger = read.duration(LINGER_MS, Duration.ZERO);
    this.batchSize = read.intIn(BATCH_SIZE, 1, MAX_BATCH_BYTES);
    this.compression = read.oneOf(COMPRESSION_TYPE, COMPRESSION_VALUES);
    this.deliveryTimeout = read.duration(DELIVERY_TIMEOUT_MS, Duration.ofMillis(1));
    this.requestTimeout = read.duration(REQUEST_TIMEOUT_MS, Duration.ofMillis(1));
    this.maxInFlight = read.intIn(MAX_IN_FLIGHT, 1, idempotence ? 5 : Integer.MAX_VALUE);
    this.maxBlock = read.duration(MAX_BLOCK_MS, Duration.ZERO);
    this.maxRequestSize =
        read.intIn(MAX_REQUEST_SIZE, RecordBatchCodec.HEADER_SIZE + 4, MAX_BATCH_BYTES);
    this.bufferMemory = read.longIn(BUFFER_MEMORY, maxRequestSize, Long.MAX_VALUE);
    this.retryBackoff = read.duration(RETRY_BACKOFF_MS, Duration.ZERO);
    this.metadataMaxAge = read.duration(METADATA_MAX_AGE_MS, Duration.ZERO);
    this.parallelism = read.intIn(PARALLELISM, 1, Integer.MAX_VALUE);
    if (deliveryTimeout.compareTo(linger.plus(requestTimeout)) < 0) {
      throw read.invalid(
          DELIVERY_TIMEOUT_MS,
          deliveryTimeout.toMillis(),
          "must be at least linger.ms + request.timeout.ms = "
              + linger.plus(requestTimeout).toMillis());
    }
    if (idempotence && acks == Acks.NONE) {
      throw new RunnelException(
          ErrorCode.INVALID_CONFIG,
          "Invalid setting: section="
              + CONFIG_PATH
              + ", name=acks, value=none, reason=enable.idempotence=true needs acks all or"
              + " leader: set enable.idempotence=false to send without acknowledgement");
    }
  }

  /** Settings from {@code runnel.producer} of the node's configuration. */
  public static <K, V> ProducerSettings<K, V> create(
      Runnel runnel, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
    return create(
        runnel,
        runnel.system().settings().config().getConfig(CONFIG_PATH),
        keySerializer,
        valueSerializer);
  }

  /**
   * Settings from {@code config}, a section laid out as {@code runnel.producer} (Alpakka Kafka's
   * {@code create(Config, ...)}), for producers configured apart from the node's defaults.
   */
  public static <K, V> ProducerSettings<K, V> create(
      Runnel runnel, Config config, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
    return new ProducerSettings<>(runnel, config, keySerializer, valueSerializer);
  }

  /**
   * These settings with one setting changed, by its Kafka name and value as text ({@code
   * withProperty("linger.ms", "10")}).
   *
   * @throws RunnelException with {@code INVALID_CONFIG} for an unknown name or a bad value
   */
  public ProducerSettings<K, V> withProperty(String name, String value) {
    return new ProducerSettings<>(
        runnel,
        SettingsReader.override(config, CONFIG_PATH, NAMES, name, value),
        keySerializer,
        valueSerializer);
  }

  /** These settings with another key serializer. */
  public <K2> ProducerSettings<K2, V> withKeySerializer(Serializer<K2> serializer) {
    return new ProducerSettings<>(runnel, config, serializer, valueSerializer);
  }

  /** These settings with another value serializer. */
  public <V2> ProducerSettings<K, V2> withValueSerializer(Serializer<V2> serializer) {
    return new ProducerSettings<>(runnel, config, keySerializer, serializer);
  }

  /** {@code acks}: {@code all}, {@code leader} or {@code none}. */
  public ProducerSettings<K, V> withAcks(Acks value) {
    return withProperty(ACKS, value.name().toLowerCase(java.util.Locale.ROOT));
  }

  /** {@code enable.idempotence}. */
  public ProducerSettings<K, V> withEnableIdempotence(boolean value) {
    return withProperty(ENABLE_IDEMPOTENCE, Boolean.toString(value));
  }

  /** {@code linger.ms}. */
  public ProducerSettings<K, V> withLinger(Duration value) {
    return withProperty(LINGER_MS, millis(value));
  }

  /** {@code batch.size}. */
  public ProducerSettings<K, V> withBatchSize(int bytes) {
    return withProperty(BATCH_SIZE, Integer.toString(bytes));
  }

  /** {@code compression.type}. */
  public ProducerSettings<K, V> withCompression(CompressionCodec value) {
    return withProperty(COMPRESSION_TYPE, value.configName());
  }

  /** {@code delivery.timeout.ms}. */
  public ProducerSettings<K, V> withDeliveryTimeout(Duration value) {
    return withProperty(DELIVERY_TIMEOUT_MS, millis(value));
  }

  /** {@code request.timeout.ms}. */
  public ProducerSettings<K, V> withRequestTimeout(Duration value) {
    return withProperty(REQUEST_TIMEOUT_MS, millis(value));
  }

  /** {@code max.in.flight.requests.per.connection}. */
  public ProducerSettings<K, V> withMaxInFlight(int value) {
    return withProperty(MAX_IN_FLIGHT, Integer.toString(value));
  }

  /** {@code max.block.ms}. */
  public ProducerSettings<K, V> withMaxBlock(Duration value) {
    return withProperty(MAX_BLOCK_MS, millis(value));
  }

  /** {@code buffer.memory}. */
  public ProducerSettings<K, V> withBufferMemory(long bytes) {
    return withProperty(BUFFER_MEMORY, Long.toString(bytes));
  }

  /** {@code max.request.size}. */
  public ProducerSettings<K, V> withMaxRequestSize(int bytes) {
    return withProperty(MAX_REQUEST_SIZE, Integer.toString(bytes));
  }

  /** {@code retry.backoff.ms}. */
  public ProducerSettings<K, V> withRetryBackoff(Duration value) {
    return withProperty(RETRY_BACKOFF_MS, millis(value));
  }

  /** {@code metadata.max.age.ms}. */
  public ProducerSettings<K, V> withMetadataMaxAge(Duration value) {
    return withProperty(METADATA_MAX_AGE_MS, millis(value));
  }

  /** {@code parallelism} of {@link Producer#plainSink} and {@link Producer#flow}. */
  public ProducerSettings<K, V> withParallelism(int value) {
    return withProperty(PARALLELISM, Integer.toString(value));
  }

  private static String millis(Duration value) {
    return value.toMillis() + "ms";
  }

  /** The node the producer sends through. */
  public Runnel runnel() {
    return runnel;
  }

  public Serializer<K> keySerializer() {
    return keySerializer;
  }

  public Serializer<V> valueSerializer() {
    return valueSerializer;
  }

  public Acks acks() {
    return acks;
  }

  public boolean enableIdempotence() {
    return idempotence;
  }

  public Duration linger() {
    return linger;
  }

  public int batchSize() {
    return batchSize;
  }

  public CompressionCodec compression() {
    return compression;
  }

  public Duration deliveryTimeout() {
    return deliveryTimeout;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public int maxInFlight() {
    return maxInFlight;
  }

  public Duration maxBlock() {
    return maxBlock;
  }

  public long bufferMemory() {
    return bufferMemory;
  }

  public int maxRequestSize() {
    return maxRequestSize;
  }

  public Duration retryBackoff() {
    return retryBackoff;
  }

  /**
   * {@code metadata.max.age.ms}: how old a remote producer's description of a topic may get before
   * it describes the topic again. An embedded producer's node is told of every change at once.
   */
  public Duration metadataMaxAge() {
    return metadataMaxAge;
  }

  public int parallelism() {
    return parallelism;
  }

  /** Every setting under its Kafka name, as text. */
  public Map<String, String> properties() {
    return SettingsReader.of(config, CONFIG_PATH, NAMES).asMap();
  }

  @Override
  public String toString() {
    return "ProducerSettings" + properties();
  }
}
