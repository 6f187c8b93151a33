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
 */
package io.sextant.collection.backup;
