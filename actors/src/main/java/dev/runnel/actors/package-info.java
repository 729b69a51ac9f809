/** Runnel's domain behaviors: partition, topic registry and consumer group. */
package dev.runnel.actors;
