package io.sextant.collection.snapshot;

/**
 * A recovery request (Qdrant's {@code SnapshotRecover}).
 *
 * @param location {@code file://} path inside the snapshots directory, or an {@code http(s)://} URL
 * @param priority which data wins; never null (parse with {@link SnapshotPriority#parse})
 * @param checksum expected SHA-256 hex of the snapshot file, or null
 * @param apiKey sent as {@code api-key} header when fetching from a URL, or null
 */
public record RecoverRequest(String location, SnapshotPriority priority, String checksum, String apiKey) {
    public RecoverRequest {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("location is required, got '" + location + "'");
        }
        if (priority == null) {
            priority = SnapshotPriority.SNAPSHOT;
        }
        if (checksum != null && !checksum.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException(
                    "checksum must be a SHA-256 hex string of 64 characters, got '" + checksum + "'");
        }
    }
}
