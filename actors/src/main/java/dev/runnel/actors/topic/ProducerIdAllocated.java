package dev.runnel.actors.topic;

import dev.runnel.actors.RunnelSerializable;

/**
 * A producer id for an idempotent producer: never handed out before, and larger than every id
 * handed out before, also across restarts of the registry.
 */
public record ProducerIdAllocated(long producerId) implements RunnelSerializable {}
