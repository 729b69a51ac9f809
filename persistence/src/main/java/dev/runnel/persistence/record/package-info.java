/**
 * The record model and Runnel's record-batch binary format: {@link
 * dev.runnel.persistence.record.Record}, {@link dev.runnel.persistence.record.RecordBatch} and
 * {@link dev.runnel.persistence.record.RecordBatchCodec}, which encodes a batch (optionally
 * compressed) and decodes it again, rejecting anything malformed with {@link
 * dev.runnel.persistence.record.CorruptRecordBatchException}.
 */
package dev.runnel.persistence.record;
