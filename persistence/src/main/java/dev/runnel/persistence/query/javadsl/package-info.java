/** Java API of the segmented-log read journal. */
package dev.runnel.persistence.query.javadsl;
