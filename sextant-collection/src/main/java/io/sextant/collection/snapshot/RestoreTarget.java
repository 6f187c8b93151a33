package io.sextant.collection.snapshot;

import io.sextant.collection.TableOfContents;
import java.nio.file.Path;

/**
 * Where {@link SnapshotService} installs a recovered collection or shard snapshot: this node's
 * {@link TableOfContents} ({@link #LOCAL}, a standalone node: every {@link SnapshotPriority}
 * installs the snapshot's data), or, in cluster mode, the shard replicas through the metadata log
 * (the server's implementation). Implementations are thread-safe.
 */
public interface RestoreTarget {

    /** Restores the verified collection archive {@code archive} as collection {@code name}. */
    SnapshotRestorer.Restored collection(
            TableOfContents toc, String name, Path archive, SnapshotPriority priority, SnapshotLimits limits);

    /** Restores the verified shard archive {@code archive} into shard {@code shardId} of {@code name}. */
    SnapshotRestorer.Restored shard(
            TableOfContents toc,
            String name,
            int shardId,
            Path archive,
            SnapshotPriority priority,
            SnapshotLimits limits);

    /** This node's table of contents alone ({@link SnapshotRestorer}); the priority changes nothing. */
    RestoreTarget LOCAL = new RestoreTarget() {
        @Override
        public SnapshotRestorer.Restored collection(
                TableOfContents toc, String name, Path archive, SnapshotPriority priority, SnapshotLimits limits) {
            return SnapshotRestorer.restoreCollection(toc, name, archive, limits);
        }

        @Override
        public SnapshotRestorer.Restored shard(
                TableOfContents toc,
                String name,
                int shardId,
                Path archive,
                SnapshotPriority priority,
                SnapshotLimits limits) {
            return SnapshotRestorer.restoreShard(toc, name, shardId, archive, limits);
        }
    };
}
