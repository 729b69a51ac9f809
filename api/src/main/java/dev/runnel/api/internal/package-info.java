/**
 * Internal machinery of the embedded API, shared by its packages: not part of the public API, and
 * it may change in any release.
 */
package dev.runnel.api.internal;
