/**
 * What the owner of an event-sourced log asks of its storage besides appending: deletion of old
 * events or of everything, compaction, per-log segment settings and the log's size ({@link
 * dev.runnel.persistence.control.LogControl}).
 */
package dev.runnel.persistence.control;
