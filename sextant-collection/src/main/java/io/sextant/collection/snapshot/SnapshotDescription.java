package io.sextant.collection.snapshot;

/**
 * A stored snapshot as listed by the API (Qdrant's {@code SnapshotDescription}).
 *
 * @param name file name, e.g. {@code books-4711-2024-07-22-08-31-55.snapshot}
 * @param creationTime UTC, {@code yyyy-MM-ddTHH:mm:ss}, or null when unknown
 * @param size bytes
 * @param checksum SHA-256 hex of the file, or null when no sidecar exists
 */
public record SnapshotDescription(String name, String creationTime, long size, String checksum) {}
