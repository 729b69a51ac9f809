package dev.runnel.api.serialization;

/**
 * Thrown by a serializer or deserializer that cannot do its job. Producers and consumers report it
 * to the application as the cause of a {@code RunnelException} with code {@code INVALID_RECORD}.
 */
public class SerializationException extends RuntimeException {

  public SerializationException(String message) {
    super(message);
  }

  public SerializationException(String message, Throwable cause) {
    super(message, cause);
  }
}
