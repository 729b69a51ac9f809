package dev.runnel.api.consumer;

import com.typesafe.config.Config;
import dev.runnel.actors.error.RunnelException;
import dev.runnel.api.Runnel;
import dev.runnel.api.internal.SettingsReader;
import dev.runnel.api.serialization.Deserializer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The settings of a consumer, in the manner of Alpakka Kafka's {@code ConsumerSettings}: created
 * from the {@code runnel.consumer} defaults of a {@link Runnel} (this module's {@code
 * reference.conf} explains each) and changed with {@code with...} methods or {@link #withProperty}
 * under Kafka's names. Every change is validated at once: a bad value fails with {@code
 * INVALID_CONFIG} naming the setting.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class ConsumerSettings<K, V> {

  /** The section of the configuration the defaults come from. */
  public static final String CONFIG_PATH = "runnel.consumer";

  static final String AUTO_OFFSET_RESET = "auto.offset.reset";
  static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";
  static final String DEFAULT_API_TIMEOUT_MS = "default.api.timeout.ms";
  static final String RECONNECT_BACKOFF_MS = "reconnect.backoff.ms";
  static final String RECONNECT_BACKOFF_MAX_MS = "reconnect.backoff.max.ms";
  static final String BUFFER_BATCHES = "buffer-batches";
  static final String GROUP_ID = "group.id";
  static final String CLIENT_ID = "client.id";
  static final String PARTITION_ASSIGNMENT_STRATEGY = "partition.assignment.strategy";
  static final String SESSION_TIMEOUT_MS = "session.timeout.ms";
  static final String HEARTBEAT_INTERVAL_MS = "heartbeat.interval.ms";
  static final String MAX_POLL_INTERVAL_MS = "max.poll.interval.ms";
  static final String ENABLE_AUTO_COMMIT = "enable.auto.commit";
  static final String AUTO_COMMIT_INTERVAL_MS = "auto.commit.interval.ms";
  static final String COMMIT_TIMEOUT = "commit-timeout";
  static final String STOP_TIMEOUT = "stop-timeout";

  /** Every setting's name. */
  public static final List<String> NAMES =
      List.of(
          AUTO_OFFSET_RESET,
          REQUEST_TIMEOUT_MS,
          DEFAULT_API_TIMEOUT_MS,
          RECONNECT_BACKOFF_MS,
          RECONNECT_BACKOFF_MAX_MS,
          BUFFER_BATCHES,
          GROUP_ID,
          CLIENT_ID,
          PARTITION_ASSIGNMENT_STRATEGY,
          SESSION_TIMEOUT_MS,
          HEARTBEAT_INTERVAL_MS,
          MAX_POLL_INTERVAL_MS,
          ENABLE_AUTO_COMMIT,
          AUTO_COMMIT_INTERVAL_MS,
          COMMIT_TIMEOUT,
          STOP_TIMEOUT);

  /** The assignors {@code partition.assignment.strategy} names, as the coordinator knows them. */
  public static final List<String> ASSIGNORS = List.of("range", "roundrobin", "cooperative-sticky");

  private static final Map<String, String> ASSIGNORS_BY_NAME =
      ASSIGNORS.stream().collect(Collectors.toMap(name -> name, name -> name));

  private static final Map<String, AutoOffsetReset> RESET_VALUES =
      Map.of(
          "earliest", AutoOffsetReset.EARLIEST,
          "latest", AutoOffsetReset.LATEST,
          "none", AutoOffsetReset.NONE);

  private final Runnel runnel;
  private final Config config;
  private final Deserializer<K> keyDeserializer;
  private final Deserializer<V> valueDeserializer;
  private final AutoOffsetReset autoOffsetReset;
  private final Duration requestTimeout;
  private final Duration defaultApiTimeout;
  private final Duration reconnectBackoff;
  private final Duration reconnectBackoffMax;
  private final int bufferBatches;
  private final String groupId;
  private final String clientId;
  private final String assignor;
  private final Duration sessionTimeout;
  private final Duration heartbeatInterval;
  private final Duration maxPollInterval;
  private final boolean enableAutoCommit;
  private final Duration autoCommitInterval;
  private final Duration commitTimeout;
  private final Duration stopTimeout;

  private ConsumerSettings(
      Runnel runnel,
      Config config,
      Deserializer<K> keyDeserializer,
      Deserializer<V> valueDeserializer) {
    this.runnel = Objects.requireNonNull(runnel, "runnel");
    this.keyDeserializer = Objects.requireNonNull(keyDeserializer, "keyDeserializer");
    this.valueDeserializer = Objects.requireNonNull(valueDeserializer, "valueDeserializer");
    this.config = config;
    SettingsReader read = SettingsReader.of(config, CONFIG_PATH, NAMES);
    this.autoOffsetReset = read.oneOf(AUTO_OFFSET_RESET, RESET_VALUES);
    this.requestTimeout = read.duration(REQUEST_TIMEOUT_MS, Duration.ofMillis(1));
    this.defaultApiTimeout = read.duration(DEFAULT_API_TIMEOUT_MS, Duration.ZERO);
    this.reconnectBackoff = read.duration(RECONNECT_BACKOFF_MS, Duration.ofMillis(1));
    this.reconnectBackoffMax = read.duration(RECONNECT_BACKOFF_MAX_MS, reconnectBackoff);
    this.bufferBatches = read.intIn(BUFFER_BATCHES, 1, 1024);
    this.groupId = read.string(GROUP_ID);
    this.clientId = read.string(CLIENT_ID);
    this.assignor = read.oneOf(PARTITION_ASSIGNMENT_STRATEGY, ASSIGNORS_BY_NAME);
    this.sessionTimeout = read.duration(SESSION_TIMEOUT_MS, Duration.ofMillis(1));
    this.heartbeatInterval = read.duration(HEARTBEAT_INTERVAL_MS, Duration.ofMillis(1));
    this.maxPollInterval = read.duration(MAX_POLL_INTERVAL_MS, Duration.ofMillis(1));
    this.enableAutoCommit = read.bool(ENABLE_AUTO_COMMIT);
    this.autoCommitInterval = read.duration(AUTO_COMMIT_INTERVAL_MS, Duration.ofMillis(1));
    this.commitTimeout = read.duration(COMMIT_TIMEOUT, Duration.ofMillis(1));
    this.stopTimeout = read.duration(STOP_TIMEOUT, Duration.ZERO);
  }

  /** Settings from {@code runnel.consumer} of the node's configuration. */
  public static <K, V> ConsumerSettings<K, V> create(
      Runnel runnel, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
    return create(
        runnel,
        runnel.system().settings().config().getConfig(CONFIG_PATH),
        keyDeserializer,
        valueDeserializer);
  }

  /** Settings from {@code config}, a section laid out as {@code runnel.consumer}. */
  public static <K, V> ConsumerSettings<K, V> create(
      Runnel runnel,
      Config config,
      Deserializer<K> keyDeserializer,
      Deserializer<V> valueDeserializer) {
    return new ConsumerSettings<>(runnel, config, keyDeserializer, valueDeserializer);
  }

  /**
   * These settings with one setting changed, by its Kafka name and value as text ({@code
   * withProperty("auto.offset.reset", "earliest")}).
   *
   * @throws RunnelException with {@code INVALID_CONFIG} for an unknown name or a bad value
   */
  public ConsumerSettings<K, V> withProperty(String name, String value) {
    return new ConsumerSettings<>(
        runnel,
        SettingsReader.override(config, CONFIG_PATH, NAMES, name, value),
        keyDeserializer,
        valueDeserializer);
  }

  /** {@code auto.offset.reset}. */
  public ConsumerSettings<K, V> withAutoOffsetReset(AutoOffsetReset value) {
    return withProperty(AUTO_OFFSET_RESET, value.name().toLowerCase(Locale.ROOT));
  }

  /** {@code request.timeout.ms}. */
  public ConsumerSettings<K, V> withRequestTimeout(Duration value) {
    return withProperty(REQUEST_TIMEOUT_MS, value.toMillis() + "ms");
  }

  /** {@code default.api.timeout.ms}. */
  public ConsumerSettings<K, V> withDefaultApiTimeout(Duration value) {
    return withProperty(DEFAULT_API_TIMEOUT_MS, value.toMillis() + "ms");
  }

  /** {@code reconnect.backoff.ms} and {@code reconnect.backoff.max.ms}. */
  public ConsumerSettings<K, V> withReconnectBackoff(Duration min, Duration max) {
    Config both =
        SettingsReader.override(
            SettingsReader.override(
                config, CONFIG_PATH, NAMES, RECONNECT_BACKOFF_MAX_MS, max.toMillis() + "ms"),
            CONFIG_PATH,
            NAMES,
            RECONNECT_BACKOFF_MS,
            min.toMillis() + "ms");
    return new ConsumerSettings<>(runnel, both, keyDeserializer, valueDeserializer);
  }

  /** {@code buffer-batches}. */
  public ConsumerSettings<K, V> withBufferBatches(int value) {
    return withProperty(BUFFER_BATCHES, Integer.toString(value));
  }

  /** {@code group.id}: the consumer group a subscribed consumer joins. */
  public ConsumerSettings<K, V> withGroupId(String value) {
    return withProperty(GROUP_ID, value);
  }

  /** {@code client.id}: the member's name in the group's description. */
  public ConsumerSettings<K, V> withClientId(String value) {
    return withProperty(CLIENT_ID, value);
  }

  /**
   * {@code partition.assignment.strategy}: {@code range}, {@code roundrobin} or {@code
   * cooperative-sticky}.
   */
  public ConsumerSettings<K, V> withPartitionAssignmentStrategy(String value) {
    return withProperty(PARTITION_ASSIGNMENT_STRATEGY, value);
  }

  /** {@code session.timeout.ms}. */
  public ConsumerSettings<K, V> withSessionTimeout(Duration value) {
    return withProperty(SESSION_TIMEOUT_MS, value.toMillis() + "ms");
  }

  /** {@code heartbeat.interval.ms}. */
  public ConsumerSettings<K, V> withHeartbeatInterval(Duration value) {
    return withProperty(HEARTBEAT_INTERVAL_MS, value.toMillis() + "ms");
  }

  /** {@code max.poll.interval.ms}: the rebalance timeout. */
  public ConsumerSettings<K, V> withMaxPollInterval(Duration value) {
    return withProperty(MAX_POLL_INTERVAL_MS, value.toMillis() + "ms");
  }

  /** {@code enable.auto.commit}: whether {@link Consumer#plainSource} with a group commits. */
  public ConsumerSettings<K, V> withEnableAutoCommit(boolean value) {
    return withProperty(ENABLE_AUTO_COMMIT, Boolean.toString(value));
  }

  /** {@code auto.commit.interval.ms}. */
  public ConsumerSettings<K, V> withAutoCommitInterval(Duration value) {
    return withProperty(AUTO_COMMIT_INTERVAL_MS, value.toMillis() + "ms");
  }

  /** {@code commit-timeout}: how long a commit waits for the coordinator. */
  public ConsumerSettings<K, V> withCommitTimeout(Duration value) {
    return withProperty(COMMIT_TIMEOUT, value.toMillis() + "ms");
  }

  /** {@code stop-timeout}: how long a member outlives its completed or cancelled stream. */
  public ConsumerSettings<K, V> withStopTimeout(Duration value) {
    return withProperty(STOP_TIMEOUT, value.toMillis() + "ms");
  }

  /** The node the consumer reads through. */
  public Runnel runnel() {
    return runnel;
  }

  public Deserializer<K> keyDeserializer() {
    return keyDeserializer;
  }

  public Deserializer<V> valueDeserializer() {
    return valueDeserializer;
  }

  public AutoOffsetReset autoOffsetReset() {
    return autoOffsetReset;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public Duration defaultApiTimeout() {
    return defaultApiTimeout;
  }

  public Duration reconnectBackoff() {
    return reconnectBackoff;
  }

  public Duration reconnectBackoffMax() {
    return reconnectBackoffMax;
  }

  public int bufferBatches() {
    return bufferBatches;
  }

  public String groupId() {
    return groupId;
  }

  public String clientId() {
    return clientId;
  }

  /** {@code partition.assignment.strategy}, in lower case. */
  public String partitionAssignmentStrategy() {
    return assignor;
  }

  public Duration sessionTimeout() {
    return sessionTimeout;
  }

  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  public Duration maxPollInterval() {
    return maxPollInterval;
  }

  public boolean enableAutoCommit() {
    return enableAutoCommit;
  }

  public Duration autoCommitInterval() {
    return autoCommitInterval;
  }

  public Duration commitTimeout() {
    return commitTimeout;
  }

  public Duration stopTimeout() {
    return stopTimeout;
  }

  /** Every setting under its Kafka name, as text. */
  public Map<String, String> properties() {
    return SettingsReader.of(config, CONFIG_PATH, NAMES).asMap();
  }

  @Override
  public String toString() {
    return "ConsumerSettings" + properties();
  }
}
