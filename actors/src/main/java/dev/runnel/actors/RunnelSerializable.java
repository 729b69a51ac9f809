package dev.runnel.actors;

/**
 * Marker of the messages that may cross nodes: commands, replies and stream elements of Runnel's
 * actors. The actors module's {@code reference.conf} binds it to Akka's Jackson CBOR serializer;
 * persisted events and snapshots use their own Protobuf or binary serializers instead.
 */
public interface RunnelSerializable {}
