package io.sextant.server.api.convert;

import io.sextant.collection.config.HnswConfig;
import io.sextant.collection.config.OptimizersConfig;
import io.sextant.collection.config.WalConfig;

/**
 * A node's defaults for new collections, under what a create request sets: Qdrant's {@code
 * storage.hnsw_index}, {@code storage.optimizers}, {@code storage.wal}, {@code
 * storage.on_disk_payload} and {@code storage.collection.{replication_factor,
 * write_consistency_factor}}. A request's {@code hnsw_config} (and the others) is a diff applied to
 * these. As in Qdrant, each node applies its own defaults, so the peers of a cluster should share
 * them. Immutable.
 *
 * @param hnsw base of {@code hnsw_config}
 * @param optimizers base of {@code optimizers_config}
 * @param wal base of {@code wal_config}
 * @param onDiskPayload {@code on_disk_payload} when the request leaves it out
 * @param replicationFactor {@code replication_factor} when the request leaves it out
 * @param writeConsistencyFactor {@code write_consistency_factor} when the request leaves it out
 */
public record CollectionDefaults(
        HnswConfig hnsw,
        OptimizersConfig optimizers,
        WalConfig wal,
        boolean onDiskPayload,
        int replicationFactor,
        int writeConsistencyFactor) {

    /** Qdrant's defaults (its shipped config file). */
    public static final CollectionDefaults QDRANT =
            new CollectionDefaults(HnswConfig.DEFAULT, OptimizersConfig.DEFAULT, WalConfig.DEFAULT, true, 1, 1);

    public CollectionDefaults {
        if (hnsw == null || optimizers == null || wal == null) {
            throw new IllegalArgumentException("hnsw, optimizers and wal defaults are required");
        }
        if (replicationFactor < 1 || writeConsistencyFactor < 1) {
            throw new IllegalArgumentException("replication_factor and write_consistency_factor must be >= 1, got "
                    + replicationFactor + " and " + writeConsistencyFactor);
        }
    }
}
