/** Record headers: {@link dev.runnel.api.header.Headers}, an immutable list of key-value pairs. */
package dev.runnel.api.header;
