/** Qdrant payload key paths and typed readings of payload values ({@link io.sextant.segment.payload.JsonPaths}). */
package io.sextant.segment.payload;
