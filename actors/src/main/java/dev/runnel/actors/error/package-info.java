/** The named errors every Runnel API reports: {@link dev.runnel.actors.error.ErrorCode}. */
package dev.runnel.actors.error;
