package dev.runnel.actors;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;

/**
 * Jackson settings of Runnel's messages, registered with Akka's Jackson serializers in the actors
 * module's {@code reference.conf}: lets a {@link TopicPartition} be a map key, written as its
 * entity id {@code <topic>-<n>}, as in the offsets a consumer group commits.
 */
public final class RunnelJacksonModule extends SimpleModule {

  public RunnelJacksonModule() {
    super("RunnelJacksonModule");
    addKeySerializer(TopicPartition.class, new TopicPartitionKeySerializer());
    addKeyDeserializer(TopicPartition.class, new TopicPartitionKeyDeserializer());
  }

  private static final class TopicPartitionKeySerializer extends JsonSerializer<TopicPartition> {
    @Override
    public void serialize(TopicPartition tp, JsonGenerator generator, SerializerProvider provider)
        throws IOException {
      generator.writeFieldName(tp.entityId());
    }
  }

  private static final class TopicPartitionKeyDeserializer extends KeyDeserializer {
    @Override
    public Object deserializeKey(String key, DeserializationContext context) {
      return TopicPartition.fromEntityId(key);
    }
  }
}
