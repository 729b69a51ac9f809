package dev.runnel.api.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.runnel.actors.error.ErrorCode;
import dev.runnel.actors.error.RunnelException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Reads one section of client settings ({@code runnel.producer}, {@code runnel.consumer}) by
 * Kafka's setting names, and refuses what is wrong with {@link ErrorCode#INVALID_CONFIG} and a
 * message naming the setting, its value and the reason: unknown names (a typo would otherwise be
 * ignored), wrong types and values out of range.
 *
 * <p>Immutable and thread-safe.
 */
public final class SettingsReader {

  private final Config section;
  private final String sectionName;

  private SettingsReader(Config section, String sectionName) {
    this.section = section;
    this.sectionName = sectionName;
  }

  /**
   * A reader of {@code section}, which must hold exactly the settings named in {@code known}.
   *
   * @param sectionName the section's path, for messages ({@code runnel.producer})
   * @throws RunnelException with {@link ErrorCode#INVALID_CONFIG} for a setting not in {@code
   *     known}, or a missing one
   */
  public static SettingsReader of(Config section, String sectionName, List<String> known) {
    Set<String> unknown = keys(section);
    known.forEach(unknown::remove);
    if (!unknown.isEmpty()) {
      throw new RunnelException(
          ErrorCode.INVALID_CONFIG,
          "Unknown setting: section=" + sectionName + ", names=" + unknown + ", known=" + known);
    }
    for (String name : known) {
      if (!section.hasPath(name)) {
        throw new RunnelException(
            ErrorCode.INVALID_CONFIG, "Missing setting: section=" + sectionName + ", name=" + name);
      }
    }
    return new SettingsReader(section, sectionName);
  }

  private static Set<String> keys(Config section) {
    Set<String> keys = new TreeSet<>();
    section.entrySet().forEach(entry -> keys.add(entry.getKey()));
    return keys;
  }

  /**
   * {@code section} with one setting replaced.
   *
   * @throws RunnelException with {@link ErrorCode#INVALID_CONFIG} if {@code name} is not in {@code
   *     known}
   */
  public static Config override(
      Config section, String sectionName, List<String> known, String name, String value) {
    if (!known.contains(name)) {
      throw new RunnelException(
          ErrorCode.INVALID_CONFIG,
          "Unknown setting: section=" + sectionName + ", name=" + name + ", known=" + known);
    }
    return ConfigFactory.parseMap(Map.of(name, value)).withFallback(section);
  }

  /** Every setting as text, by name. */
  public Map<String, String> asMap() {
    Map<String, String> map = new TreeMap<>();
    section.entrySet().forEach(e -> map.put(e.getKey(), String.valueOf(e.getValue().unwrapped())));
    return map;
  }

  /** A duration (a number of milliseconds or a HOCON duration) of at least {@code min}. */
  public Duration duration(String name, Duration min) {
    Duration value = read(name, () -> section.getDuration(name));
    if (value.compareTo(min) < 0) {
      throw invalid(name, value.toMillis(), "below minimum " + min.toMillis());
    }
    return value;
  }

  /** An int in {@code [min, max]}. */
  public int intIn(String name, int min, int max) {
    int value = read(name, () -> section.getInt(name));
    if (value < min || value > max) {
      throw invalid(name, value, "out of range [" + min + ", " + max + "]");
    }
    return value;
  }

  /** A long in {@code [min, max]}. */
  public long longIn(String name, long min, long max) {
    long value = read(name, () -> section.getLong(name));
    if (value < min || value > max) {
      throw invalid(name, value, "out of range [" + min + ", " + max + "]");
    }
    return value;
  }

  /** A boolean ({@code true}/{@code false}, {@code on}/{@code off}, {@code yes}/{@code no}). */
  public boolean bool(String name) {
    return read(name, () -> section.getBoolean(name));
  }

  /** A text (a number or boolean in the configuration counts as its text). */
  public String string(String name) {
    return read(name, () -> section.getString(name));
  }

  /** One of the given values, chosen by name, ignoring case. */
  public <T> T oneOf(String name, Map<String, T> values) {
    String text = read(name, () -> section.getString(name));
    T value = values.get(text.toLowerCase(Locale.ROOT));
    if (value == null) {
      throw invalid(name, text, "allowed " + new TreeSet<>(values.keySet()));
    }
    return value;
  }

  /** A failure naming the setting, its value and what is wrong with it. */
  public RunnelException invalid(String name, Object value, String reason) {
    return invalid(sectionName, name, value, reason);
  }

  /** A failure naming the section, the setting, its value and what is wrong with it. */
  public static RunnelException invalid(
      String sectionName, String name, Object value, String reason) {
    return new RunnelException(
        ErrorCode.INVALID_CONFIG,
        "Invalid setting: section="
            + sectionName
            + ", name="
            + name
            + ", value="
            + value
            + ", reason="
            + reason);
  }

  private <T> T read(String name, Supplier<T> getter) {
    try {
      return getter.get();
    } catch (ConfigException e) {
      throw new RunnelException(
          ErrorCode.INVALID_CONFIG,
          "Invalid setting: section="
              + sectionName
              + ", name="
              + name
              + ", value="
              + (section.hasPath(name) ? section.getValue(name).unwrapped() : "missing")
              + ", reason="
              + e.getMessage(),
          e);
    }
  }
}
