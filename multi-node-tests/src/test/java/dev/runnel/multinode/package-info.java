/**
 * Tests that start several real JVMs as one Runnel cluster and kill, restart and partition them.
 */
package dev.runnel.multinode;
