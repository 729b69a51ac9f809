package dev.runnel.persistence.journal;

import akka.actor.ActorRef;
import akka.persistence.AtomicWrite;
import akka.persistence.PersistentRepr;
import akka.persistence.journal.Tagged;
import akka.serialization.Serialization;
import dev.runnel.persistence.log.LogEntry;
import dev.runnel.persistence.serialization.SerializedValue;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Turns one Akka {@link AtomicWrite} into the payload of one {@link LogEntry} and back.
 *
 * <p>Entry payload layout (big-endian); the sequence number of event {@code i} is the entry's
 * {@code firstSequenceNr + i} and the entry's {@code count} is the number of events, so neither is
 * stored per event:
 *
 * <pre>
 * +---------+--------------+------------+---------+---------+-----+
 * | version | writerLength | writerUuid | event 0 | event 1 | ... |
 * | int8    | uint16       | UTF-8      |         |         |     |
 * +---------+--------------+------------+---------+---------+-----+
 *
 * event:
 * +-----------+-------+----------------+-----------------+-----------------+-----------------+
 * | timestamp | flags | manifestLength | manifest        | payload         | metadata        |
 * | int64     | int8  | uint16         | UTF-8           | SerializedValue | SerializedValue |
 * +-----------+-------+----------------+-----------------+-----------------+-----------------+
 *   timestamp: epoch millis, the repr's or the write time when it had none
 *   flags bit 0: metadata present (otherwise the field is absent)
 *   manifest: the event adapter manifest (PersistentRepr.manifest), not the serializer's
 *   SerializedValue: see that class
 * </pre>
 *
 * <p>Tags ({@link Tagged}) are unwrapped and not stored: this journal has no query by tag.
 *
 * <p>Thread-safe: it holds only Akka's thread-safe {@link Serialization}.
 */
public final class JournalEntryCodec {

  static final byte VERSION = 1;

  private static final int FLAG_METADATA = 1;
  private static final int MAX_STRING_BYTES = 0xFFFF;

  /** One event as stored, not yet deserialized. */
  public record StoredEvent(
      long sequenceNr,
      long timestamp,
      String writerUuid,
      String manifest,
      SerializedValue payload,
      SerializedValue metadata) {}

  private final Serialization serialization;

  public JournalEntryCodec(Serialization serialization) {
    this.serialization = serialization;
  }

  /**
   * Serializes all events of the write into one entry.
   *
   * @param now the timestamp of events that carry none
   * @throws IllegalArgumentException naming the event when one cannot be serialized; nothing of the
   *     write may then be stored
   */
  public LogEntry encode(AtomicWrite write, long now) {
    List<PersistentRepr> events = CollectionConverters.asJava(write.payload());
    byte[] writer = utf8(events.get(0).writerUuid(), "writerUuid");
    SerializedValue[] payloads = new SerializedValue[events.size()];
    SerializedValue[] metadata = new SerializedValue[events.size()];
    byte[][] manifests = new byte[events.size()][];
    int size = 1 + 2 + writer.length;
    long timestamp = 0;
    for (int i = 0; i < payloads.length; i++) {
      PersistentRepr event = events.get(i);
      Object payload =
          event.payload() instanceof Tagged tagged ? tagged.payload() : event.payload();
      payloads[i] = SerializedValue.serialize(serialization, payload);
      if (event.metadata().isDefined()) {
        metadata[i] = SerializedValue.serialize(serialization, event.metadata().get());
      }
      manifests[i] = utf8(event.manifest(), "manifest");
      size += 8 + 1 + 2 + manifests[i].length + payloads[i].encodedSize();
      size += metadata[i] == null ? 0 : metadata[i].encodedSize();
      timestamp = Math.max(timestamp, timestampOf(event, now));
    }
    ByteBuffer buffer = ByteBuffer.allocate(size);
    buffer.put(VERSION).putShort((short) writer.length).put(writer);
    for (int i = 0; i < payloads.length; i++) {
      buffer.putLong(timestampOf(events.get(i), now));
      buffer.put((byte) (metadata[i] == null ? 0 : FLAG_METADATA));
      buffer.putShort((short) manifests[i].length).put(manifests[i]);
      payloads[i].writeTo(buffer);
      if (metadata[i] != null) {
        metadata[i].writeTo(buffer);
      }
    }
    return new LogEntry(write.lowestSequenceNr(), payloads.length, timestamp, buffer.flip());
  }

  /**
   * The events of an entry, in sequence order.
   *
   * @throws IllegalStateException with the entry's sequence number when the payload does not follow
   *     the layout
   */
  public List<StoredEvent> decode(LogEntry entry) {
    return decodeEvents(entry);
  }

  /**
   * The events of an entry, in sequence order, not deserialized: needs no {@link Serialization}.
   *
   * @throws IllegalStateException with the entry's sequence number when the payload does not follow
   *     the layout
   */
  public static List<StoredEvent> decodeEvents(LogEntry entry) {
    ByteBuffer buffer = entry.payload().duplicate();
    try {
      byte version = buffer.get();
      if (version != VERSION) {
        throw new IllegalArgumentException("unknown version=" + version);
      }
      String writer = readUtf8(buffer);
      List<StoredEvent> events = new ArrayList<>(entry.count());
      for (int i = 0; i < entry.count(); i++) {
        long timestamp = buffer.getLong();
        boolean hasMetadata = (buffer.get() & FLAG_METADATA) != 0;
        String manifest = readUtf8(buffer);
        SerializedValue payload = SerializedValue.readFrom(buffer);
        SerializedValue metadata = hasMetadata ? SerializedValue.readFrom(buffer) : null;
        events.add(
            new StoredEvent(
                entry.firstSequenceNr() + i, timestamp, writer, manifest, payload, metadata));
      }
      if (buffer.hasRemaining()) {
        throw new IllegalArgumentException("trailing bytes=" + buffer.remaining());
      }
      return events;
    } catch (IllegalArgumentException | BufferUnderflowException e) {
      throw new IllegalStateException(
          "Malformed journal entry: firstSequenceNr="
              + entry.firstSequenceNr()
              + ", count="
              + entry.count()
              + ", position="
              + buffer.position()
              + ", reason="
              + e,
          e);
    }
  }

  /**
   * The payload of an entry holding {@code events} (at least one, all of one writer) as they are:
   * the inverse of {@link #decodeEvents}, for rewriting stored entries.
   */
  public static ByteBuffer encodeEvents(List<StoredEvent> events) {
    byte[] writer = utf8(events.get(0).writerUuid(), "writerUuid");
    byte[][] manifests = new byte[events.size()][];
    int size = 1 + 2 + writer.length;
    for (int i = 0; i < manifests.length; i++) {
      StoredEvent event = events.get(i);
      manifests[i] = utf8(event.manifest(), "manifest");
      size += 8 + 1 + 2 + manifests[i].length + event.payload().encodedSize();
      size += event.metadata() == null ? 0 : event.metadata().encodedSize();
    }
    ByteBuffer buffer = ByteBuffer.allocate(size);
    buffer.put(VERSION).putShort((short) writer.length).put(writer);
    for (int i = 0; i < manifests.length; i++) {
      StoredEvent event = events.get(i);
      buffer.putLong(event.timestamp());
      buffer.put((byte) (event.metadata() == null ? 0 : FLAG_METADATA));
      buffer.putShort((short) manifests[i].length).put(manifests[i]);
      event.payload().writeTo(buffer);
      if (event.metadata() != null) {
        event.metadata().writeTo(buffer);
      }
    }
    return buffer.flip();
  }

  /** Deserializes an event into what Akka replays to the persistent actor. */
  public PersistentRepr toRepr(String persistenceId, StoredEvent event) {
    PersistentRepr repr =
        PersistentRepr.apply(
                payloadOf(event),
                event.sequenceNr(),
                persistenceId,
                event.manifest(),
                false,
                ActorRef.noSender(),
                event.writerUuid())
            .withTimestamp(event.timestamp());
    return event.metadata() == null ? repr : repr.withMetadata(metadataOf(event).get());
  }

  /** Deserializes the event's payload. */
  public Object payloadOf(StoredEvent event) {
    return event.payload().deserialize(serialization);
  }

  /** Deserializes the event's metadata, empty when it has none. */
  public scala.Option<Object> metadataOf(StoredEvent event) {
    return event.metadata() == null
        ? scala.Option.empty()
        : scala.Option.apply(event.metadata().deserialize(serialization));
  }

  private static long timestampOf(PersistentRepr event, long now) {
    return event.timestamp() == 0 ? now : event.timestamp();
  }

  private static byte[] utf8(String value, String name) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_STRING_BYTES) {
      throw new IllegalArgumentException(
          name + " too long: bytes=" + bytes.length + ", max=" + MAX_STRING_BYTES);
    }
    return bytes;
  }

  private static String readUtf8(ByteBuffer buffer) {
    int length = Short.toUnsignedInt(buffer.getShort());
    if (length > buffer.remaining()) {
      throw new IllegalArgumentException("string length=" + length + " past end");
    }
    String value =
        StandardCharsets.UTF_8.decode(buffer.slice(buffer.position(), length)).toString();
    buffer.position(buffer.position() + length);
    return value;
  }
}
