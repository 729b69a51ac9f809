/**
 * Partition assignors: pure functions from a group's members, their subscriptions and the topics'
 * partition counts to each member's partitions, with Kafka's semantics.
 */
package dev.runnel.actors.group.assignor;
