/**
 * Turning keys and values into bytes and back: {@link dev.runnel.api.serialization.Serializer},
 * {@link dev.runnel.api.serialization.Deserializer} and the stock ones in {@link
 * dev.runnel.api.serialization.Serdes}, byte-compatible with Kafka's serializers of the same names.
 */
package dev.runnel.api.serialization;
