/** Akka Persistence Query read journal over the segmented-log journal. */
package dev.runnel.persistence.query;
