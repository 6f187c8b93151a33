package io.sextant.cluster.shard;

/**
 * The clock tag a shard's primary puts on every write it forwards to the other replicas: which run
 * of numbers it belongs to and the write's number in it. A primary numbers the writes it orders
 * 1, 2, 3 … within one <i>incarnation</i>, a random non-zero id it draws when it starts ordering
 * (a new process, or after another peer ordered writes meanwhile); so two primaries, or the same
 * peer before and after a restart, never share a run. A replica records the tags it applied as a
 * {@link RecoveryPoint} ({@link ReplicaClocks}), from which a primary can tell the suffix of writes
 * the replica missed (the {@code wal_delta} transfer).
 *
 * @param incarnation the primary's run of numbers, never 0
 * @param tick the write's number within it, from 1
 */
public record OperationTag(long incarnation, long tick) {
    public OperationTag {
        if (incarnation == 0 || tick < 1) {
            throw new IllegalArgumentException("bad operation tag " + incarnation + "/" + tick);
        }
    }
}
