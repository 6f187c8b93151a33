/**
 * Collection, shard and full snapshots: creation, storage (local directory or S3), download and
 * recovery.
 *
 * <p>Decisions: an archive is an uncompressed POSIX tar opened by {@code snapshot.json} (format,
 * version, kind, per-shard WAL seq and point count); captures pause a collection's shards
 * together only for a WAL fsync and hard links (no segment flush: the snapshot carries the WAL
 * records after the last checkpoint and the restore replays them, as a restart would), so writes
 * stall for milliseconds and reads never;
 * restores extract next to the live data and swap directories atomically, so a failed restore
 * leaves the old collection serving. Snapshots outlive their collection (list, download and delete
 * work after the collection was dropped) because that is when they are needed. {@code priority}
 * is validated and accepted; on a single node all three values install the snapshot's data (the
 * {@link io.sextant.collection.snapshot.RestoreTarget#LOCAL} target); a cluster node installs
 * recoveries through its own {@code RestoreTarget}, where the priority decides which replica wins.
 * {@code file://} recovery is confined to the snapshots directory; URL recovery is allowed for
 * loopback hosts unless {@code service.enable_snapshot_url_recovery} says otherwise. Qdrant's own
 * snapshot files are refused with a clear error (different segment format).
 */
package io.sextant.collection.snapshot;
