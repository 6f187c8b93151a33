package io.sextant.cluster.shard;

import io.sextant.shard.Shard;

/**
 * Finds the shards this peer holds, for the internal shard service ({@link ShardService}). The
 * server implements it from its table of contents. Implementations are thread-safe.
 */
@FunctionalInterface
public interface LocalShardLookup {

    /** A lookup that holds no shards: every call is answered with "not found". */
    LocalShardLookup NONE = (collection, shardId) -> null;

    /**
     * The local shard {@code shardId} of {@code collection}.
     *
     * @return the shard, or null when this peer has no such collection or shard (the caller gets a
     *     not-found error); may also throw a not-found {@link io.sextant.segment.error.UserException}
     *     itself
     */
    Shard find(String collection, int shardId);
}
