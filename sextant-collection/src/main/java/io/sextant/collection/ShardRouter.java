package io.sextant.collection;

import io.sextant.segment.PointId;

/**
 * Maps a point id to the shard that owns it: a 64-bit mix (MurmurHash3's fmix64) of the id's bits,
 * reduced modulo the shard count. This function is part of the on-disk contract: changing it would
 * make existing points unreachable, so it never changes for a given shard count. Stateless and
 * thread-safe.
 */
public final class ShardRouter {
    private ShardRouter() {}

    /** The shard index in {@code [0, shardCount)} owning {@code id}. */
    public static int shardOf(PointId id, int shardCount) {
        if (shardCount < 1) {
            throw new IllegalArgumentException("shardCount must be >= 1, got " + shardCount);
        }
        if (shardCount == 1) {
            return 0;
        }
        long h =
                switch (id) {
                    case PointId.Num n -> fmix64(n.value());
                    case PointId.Uuid u ->
                        fmix64(u.value().getMostSignificantBits()
                                ^ fmix64(u.value().getLeastSignificantBits()));
                };
        return (int) Long.remainderUnsigned(h, shardCount);
    }

    static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
