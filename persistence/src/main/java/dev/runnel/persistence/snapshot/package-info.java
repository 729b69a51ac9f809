/** Akka Persistence snapshot store keeping one verified file per snapshot. */
package dev.runnel.persistence.snapshot;
