/** Akka serialization of stored values: serializer id, manifest and bytes in one layout. */
package dev.runnel.persistence.serialization;
