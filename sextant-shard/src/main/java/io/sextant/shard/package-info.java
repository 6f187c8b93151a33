/**
 * Shards: {@link io.sextant.shard.Shard} and its local implementation {@link
 * io.sextant.shard.LocalShard} (WAL + segments + optimizers).
 *
 * <p>Decisions: (1) operations are applied synchronously by the updating thread while it holds the
 * shard's update lock, right after the WAL append, which serializes application in WAL order
 * exactly like a single update worker would; callers then share the WAL fsync (group commit), so
 * {@code wait=false} and {@code wait=true} both return after fsync with the change applied. (2)
 * Filter selectors are resolved to ids under the update lock before logging, so a WAL record
 * replays deterministically and the WAL never stores filters. (3) Exact search only; HNSW comes
 * with sextant-index.
 */
package io.sextant.shard;
