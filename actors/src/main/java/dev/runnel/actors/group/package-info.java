/**
 * Consumer groups: the coordinator of each group id ({@link
 * dev.runnel.actors.group.GroupCoordinator}), its protocol ({@link
 * dev.runnel.actors.group.GroupCommand}, {@link dev.runnel.actors.group.GroupMemberMessage}) and
 * its committed offsets.
 */
package dev.runnel.actors.group;
