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

    /**
     * Where the files of a {@code snapshot} transfer to the local replica of shard {@code shardId}
     * of {@code collection} are staged, or null when this lookup cannot install replicas.
     */
    default java.nio.file.Path installStaging(String collection, int shardId) {
        return null;
    }

    /**
     * Replaces the local replica by the files staged in {@link #installStaging} (closing the old
     * one, opening the new one in its place), once {@code admit} passed under the replica's write
     * order (it throws to refuse: the sender's fence is checked again there, so a snapshot recovery
     * that made this replica the source of truth meanwhile is not overwritten).
     *
     * @return the new replica's point count
     */
    default long install(String collection, int shardId, Runnable admit) {
        throw new io.sextant.segment.error.ServiceException(
                "This peer cannot install shard " + shardId + " of " + collection + " from a snapshot transfer");
    }

    /**
     * Recovers the local replica from the files staged in {@link #installStaging} by the snapshot
     * recovery priority named {@code priority}, as a snapshot recovery on this peer would (another
     * peer recovered a snapshot holding this shard but has no replica of it).
     *
     * @return the outcome's name
     */
    default String recoverStaged(String collection, int shardId, String priority) {
        throw new io.sextant.segment.error.ServiceException(
                "This peer cannot recover shard " + shardId + " of " + collection + " from a snapshot");
    }
}
