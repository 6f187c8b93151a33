package io.sextant.collection.snapshot;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where finished snapshots are kept: a local directory ({@link LocalSnapshotStore}) or an S3
 * bucket ({@link S3SnapshotStore}). A snapshot is addressed by a scope (see {@link SnapshotNames})
 * and a file name, and stored together with its SHA-256 sidecar. A snapshot becomes visible only
 * once complete. Implementations are thread-safe.
 */
public interface SnapshotStore {

    /** Snapshots in {@code scope}, oldest first (by name time, then name); empty when none. */
    List<SnapshotDescription> list(String scope);

    /** One snapshot, if present. */
    Optional<SnapshotDescription> describe(String scope, String name);

    /**
     * Stores a finished snapshot file (moved or uploaded; the local file may be gone afterwards)
     * with its checksum sidecar.
     */
    SnapshotDescription put(String scope, String name, Path finishedFile, String sha256);

    /**
     * Opens a snapshot for streaming; the caller closes the stream.
     *
     * @throws io.sextant.segment.error.UserException (not found) when absent
     */
    InputStream open(String scope, String name);

    /**
     * A local copy of the snapshot for reading: the stored file itself when local, else a download
     * into {@code scratch} (which must not exist).
     */
    Path localCopy(String scope, String name, Path scratch);

    /** Deletes a snapshot and its sidecar; false when it did not exist. */
    boolean delete(String scope, String name);

    /** A short description for logs and errors ({@code local:/path} or {@code s3://bucket/prefix}). */
    String location();
}
