/**
 * Scheduled backups that are proven by restoring them.
 *
 * <p>Decisions: backups are ordinary collection (or full) snapshots written straight into the
 * backup target's {@link io.sextant.collection.snapshot.SnapshotStore} (a local directory or S3),
 * so everything that reads snapshots reads backups. Rotation never deletes the newest backup.
 * Drills restore into a scratch node under the storage directory's {@code .deleted/} work area (so
 * a crash mid-drill leaves nothing behind after the next start) rather than into a visible
 * temporary collection. The count check is exact (the snapshot records each shard's point count at
 * capture); the sample check compares with the live collection and therefore runs right after the
 * backup. {@link io.sextant.collection.backup.BackupStatus} is the registry the metrics endpoint
 * reads.
 *
 * <p>Incremental backups (the default form of per-collection backups, {@link
 * io.sextant.collection.backup.IncrementalBackups}): content-addressed 1 MiB chunks in a {@link
 * io.sextant.collection.backup.BlobStore} plus one {@link io.sextant.collection.backup.BackupManifest}
 * per backup. Decisions: fixed-size chunks rather than whole files, because the files that change
 * between backups mostly only grow (WAL, the appendable segment's vectors), so their earlier chunks
 * are shared without content-defined chunking; every manifest lists every chunk (no parent
 * pointers), so any backup restores alone and retention is a plain mark-and-sweep; blobs are written
 * before the manifest and manifests deleted before the sweep, so a crash leaves at most unreferenced
 * blobs. A chunk the target already holds is not re-read from the target at backup time: damage in
 * the target shows at the next drill (every restore checks every chunk's hash). Leftover {@code
 * .tmp} files of a crashed local upload are not swept yet.
 */
package io.sextant.collection.backup;
