/**
 * Akka Persistence journal on the segmented-log storage engine, and the per-ActorSystem storage it
 * shares with the read journal.
 */
package dev.runnel.persistence.journal;
