package dev.runnel.api.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.api.grpc.v1.ConsumerRecord;
import dev.runnel.api.grpc.v1.Header;
import dev.runnel.api.grpc.v1.TimestampType;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/**
 * How {@code runnel consume} prints a record: as text, the chosen fields and then the value joined
 * by a separator; or as one JSON object per line with every field. Keys, values and header values
 * are printed as UTF-8 text; a missing (null) one as {@code null} in JSON and as nothing in text.
 */
final class RecordFormat {

  private static final Set<String> FIELDS =
      Set.of("partition", "offset", "timestamp", "key", "headers");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final boolean json;
  private final List<String> fields;
  private final String separator;

  private RecordFormat(boolean json, List<String> fields, String separator) {
    this.json = json;
    this.fields = fields;
    this.separator = separator;
  }

  /**
   * The format named {@code format} ({@code text} or {@code json}).
   *
   * @throws IllegalArgumentException for an unknown format or field
   */
  static RecordFormat of(String format, List<String> fields, String separator) {
    for (String field : fields) {
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException(
            "Bad --print field: " + field + ", expected one of " + FIELDS);
      }
    }
    return switch (format) {
      case "text" -> new RecordFormat(false, List.copyOf(fields), separator);
      case "json" -> new RecordFormat(true, List.of(), separator);
      default ->
          throw new IllegalArgumentException("Bad --format, expected text or json: " + format);
    };
  }

  /** The record as one line (without the line end). */
  String format(String topic, int partition, ConsumerRecord record) {
    return json ? json(topic, partition, record) : text(partition, record);
  }

  private String text(int partition, ConsumerRecord record) {
    StringJoiner line = new StringJoiner(separator);
    for (String field : fields) {
      line.add(
          switch (field) {
            case "partition" -> Integer.toString(partition);
            case "offset" -> Long.toString(record.getOffset());
            case "timestamp" -> Long.toString(record.getTimestamp());
            case "key" -> record.hasKey() ? record.getKey().toStringUtf8() : "";
            default -> headers(record);
          });
    }
    line.add(record.hasValue() ? record.getValue().toStringUtf8() : "");
    return line.toString();
  }

  private static String headers(ConsumerRecord record) {
    StringJoiner headers = new StringJoiner(",");
    for (Header header : record.getHeadersList()) {
      headers.add(
          header.getKey() + "=" + (header.hasValue() ? header.getValue().toStringUtf8() : ""));
    }
    return headers.toString();
  }

  private static String json(String topic, int partition, ConsumerRecord record) {
    ObjectNode node = JSON.createObjectNode();
    node.put("topic", topic);
    node.put("partition", partition);
    node.put("offset", record.getOffset());
    node.put("timestamp", record.getTimestamp());
    node.put(
        "timestampType",
        record.getTimestampType() == TimestampType.TIMESTAMP_TYPE_LOG_APPEND_TIME
            ? "LogAppendTime"
            : "CreateTime");
    node.put("key", record.hasKey() ? record.getKey().toStringUtf8() : null);
    node.put("value", record.hasValue() ? record.getValue().toStringUtf8() : null);
    ArrayNode headers = node.putArray("headers");
    for (Header header : record.getHeadersList()) {
      headers
          .addObject()
          .put("key", header.getKey())
          .put("value", header.hasValue() ? header.getValue().toStringUtf8() : null);
    }
    return node.toString();
  }
}
