/**
 * Shards: {@link io.sextant.shard.Shard} and its local implementation {@link
 * io.sextant.shard.LocalShard} (WAL + segments + optimizers).
 *
 * <p>Decisions: (1) operations are applied synchronously by the updating thread while it holds the
 * shard's update lock, right after the WAL append, which serializes application in WAL order
 * exactly like a single update worker would; callers then share the WAL fsync (group commit), so
 * {@code wait=false} and {@code wait=true} both return after fsync with the change applied. (2)
 * Filter selectors are resolved to ids under the update lock before logging, so a WAL record
 * replays deterministically and the WAL never stores filters. Conditional updates ({@code
 * update_mode}, {@code update_filter}) are resolved the same way by {@link
 * io.sextant.shard.ConditionalUpdates}: the WAL holds the plain upsert or vector update of the points
 * that passed, so the record format did not change and replay evaluates nothing. (3) Exact search
 * only; HNSW comes with sextant-index.
 *
 * <p>Size: {@code LocalShard} is past 800 lines (903 after P8's live named-vector change, {@code
 * changeVectors}). Its jobs are the update path, reads delegation, checkpoints and config changes;
 * config changes (updateConfig, changeVectors) are the next to move into a class of their own. 949
 * lines after P9 (the {@code wait} timeout and payload storage size); deferred-point arithmetic went to
 * its own class ({@code DeferredPoints}) rather than growing it further.
 */
package io.sextant.shard;
