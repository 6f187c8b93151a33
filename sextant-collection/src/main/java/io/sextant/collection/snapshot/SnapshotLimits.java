package io.sextant.collection.snapshot;

import io.sextant.shard.snapshot.SnapshotTarReader;

/**
 * Size bounds on snapshot input, from {@code storage.snapshots_config.max_upload_bytes} and {@code
 * storage.snapshots_config.max_restore_bytes}. Immutable.
 *
 * @param maxUploadBytes largest snapshot accepted by the upload endpoints (413 beyond)
 * @param maxRestoreBytes largest total size of the files one archive may expand to (413 beyond,
 *     checked from the entry headers before anything is written)
 */
public record SnapshotLimits(long maxUploadBytes, long maxRestoreBytes) {
    /** 64 GiB uploads, 256 GiB expanded. */
    public static final SnapshotLimits DEFAULTS = new SnapshotLimits(64L << 30, 256L << 30);

    public SnapshotLimits {
        if (maxUploadBytes < 1) {
            throw new IllegalArgumentException(
                    "storage.snapshots_config.max_upload_bytes must be >= 1, got " + maxUploadBytes);
        }
        if (maxRestoreBytes < 1) {
            throw new IllegalArgumentException(
                    "storage.snapshots_config.max_restore_bytes must be >= 1, got " + maxRestoreBytes);
        }
    }

    /** The extraction bounds for {@link SnapshotTarReader}. */
    public SnapshotTarReader.Limits extraction() {
        return SnapshotTarReader.Limits.ofBytes(maxRestoreBytes);
    }
}
