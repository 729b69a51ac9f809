/** Topics: their names, settings and the cluster-wide topic registry. */
package dev.runnel.actors.topic;
