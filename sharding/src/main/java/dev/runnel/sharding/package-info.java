/** Runnel's cluster wiring: node bootstrap, entity type keys, routing and partitioning. */
package dev.runnel.sharding;
