package io.sextant.collection;

import io.sextant.segment.config.ShardConfig;
import io.sextant.shard.Shard;
import java.nio.file.Path;

/**
 * Opens (creating when empty) the shard stored in a directory. Production code passes {@code
 * LocalShard::open}; tests may pass an in-memory shard; cluster mode passes a factory of replica
 * sets that overrides {@link #open(String, int, Path, ShardConfig)} (and opens the directory only
 * when this peer holds a replica). Implementations must be thread-safe.
 */
@FunctionalInterface
public interface ShardFactory {
    Shard open(Path dir, ShardConfig config);

    /**
     * Opens shard {@code shardId} of {@code collection}, stored (when this node holds it) in {@code
     * dir}. The collection calls this one; by default it opens {@code dir}.
     */
    default Shard open(String collection, int shardId, Path dir, ShardConfig config) {
        return open(dir, config);
    }
}
