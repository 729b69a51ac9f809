/** Runnel's public surfaces: Java client API, Reactive Streams adapters, gRPC, server and CLI. */
package dev.runnel.api;
