package io.sextant.cluster.shard;

/**
 * How the internal shard service decides whether to apply a forwarded write carrying a {@link
 * PrimaryFence}: the cluster's implementation compares it with this peer's metadata log (the
 * {@code PrimaryFenceCheck} of package {@code io.sextant.cluster}). Implementations are thread-safe.
 */
@FunctionalInterface
public interface FenceCheck {

    /**
     * Returns when the forward may be applied to this peer's replica of the shard.
     *
     * @throws PrimaryFence.Refused when this peer's log no longer names the fence's primary or
     *     names it with a newer index
     */
    void admit(String collection, int shardId, PrimaryFence fence);

    /** Admits everything (a peer without a metadata log; tests). */
    FenceCheck NONE = (collection, shardId, fence) -> {};
}
