package io.sextant.collection;

import io.sextant.segment.config.ShardConfig;
import io.sextant.shard.Shard;
import java.nio.file.Path;

/**
 * Opens (creating when empty) the shard stored in a directory. Production code passes {@code
 * LocalShard::open}; tests may pass an in-memory shard. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface ShardFactory {
    Shard open(Path dir, ShardConfig config);
}
