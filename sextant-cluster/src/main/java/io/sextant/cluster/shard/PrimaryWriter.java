package io.sextant.cluster.shard;

import io.sextant.segment.ops.PointOperation;
import io.sextant.shard.UpdateResult;

/**
 * A shard that can apply a write as the shard's primary: on its own replica, then on the shard's
 * other replicas (the replica sets of cluster mode). The internal shard service serves {@code
 * PrimaryUpdate} on the shards its primaries lookup finds, which must implement this.
 * Implementations are thread-safe.
 */
public interface PrimaryWriter {

    /**
     * Applies {@code operation} as the primary.
     *
     * @param waitMillis at most this long waiting for visibility (negative: the shard's default)
     */
    UpdateResult writeAsPrimary(PointOperation operation, boolean wait, long waitMillis);

    /**
     * The run of writes this peer ordered as the shard's primary, with the ticks at which it knew
     * the other replicas complete, when that run still describes its replica exactly; null
     * otherwise. The shard service answers {@code RecoveryPoint} with it before the replica clock.
     */
    default RecoveryPoint orderedRun() {
        return null;
    }
}
