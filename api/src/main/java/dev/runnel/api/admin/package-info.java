/**
 * The values of topic administration through {@link dev.runnel.api.RunnelAdmin}: {@link
 * dev.runnel.api.admin.NewTopic}, {@link dev.runnel.api.admin.TopicDescription} and {@link
 * dev.runnel.api.admin.ListOffsetsResultInfo}, named after Kafka's Admin client.
 */
package dev.runnel.api.admin;
