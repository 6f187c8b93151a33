package io.sextant.shard;

import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.SparseStats;
import io.sextant.segment.query.VectorSelector;
import java.util.List;
import java.util.Map;

/**
 * One shard of a collection: the unit of storage, replication and transfer. A local shard stores
 * data on this node; remote and replicated shards (clustering) implement the same interface, so
 * the collection layer never knows which kind it holds. Implementations are thread-safe.
 */
public interface Shard extends AutoCloseable {

    /**
     * Validates and applies {@code operation}: it is appended to the WAL (fsynced) and then
     * applied. With {@code wait} the call returns once the change is visible to reads; without,
     * once it is durable in the WAL.
     *
     * @return the WAL sequence number assigned to the operation
     * @throws io.sextant.segment.error.UserException for invalid input; nothing is written then
     */
    UpdateResult update(PointOperation operation, boolean wait);

    /**
     * As {@link #update(PointOperation, boolean)}, waiting (with {@code wait}) at most {@code
     * waitMillis} for the change to become visible; the result says {@code timedOut} when it was
     * applied and durable but not visible yet. Applying itself is never cut short.
     */
    default UpdateResult update(PointOperation operation, boolean wait, long waitMillis) {
        return update(operation, wait);
    }

    /**
     * Applies {@code operations} in order, as {@link #update(PointOperation, boolean)} each; a shard
     * with a WAL makes them durable together (one fsync). When one fails, those before it stay
     * applied and its error is thrown.
     *
     * @return the result of the last one
     */
    default UpdateResult updateAll(List<PointOperation> operations, boolean wait) {
        if (operations.isEmpty()) {
            throw new IllegalArgumentException("updateAll needs at least one operation");
        }
        UpdateResult last = null;
        for (PointOperation op : operations) {
            last = update(op, wait);
        }
        return last;
    }

    /**
     * The sequence number of the last operation this shard's WAL assigned (its writes are numbered
     * 1, 2, 3 … and the numbering survives restarts), or -1 when the shard does not number its
     * writes (a remote shard, a test double).
     */
    default long lastOperationId() {
        return -1;
    }

    /**
     * Bytes of this shard's payload storage as last flushed (its segments' points files, which
     * hold every stored payload); 0 when the shard does not know (a remote shard).
     */
    default long payloadStorageBytes() {
        return 0;
    }

    /**
     * Whether this shard's data is on this node (a local shard, or a replica set with a local
     * replica), so its payload schema reflects this node's own applied metadata; false for a shard
     * answered by another node.
     */
    default boolean holdsLocalData() {
        return true;
    }

    /** One replica of a replicated shard: the peer holding it, whether it is this node, its state. */
    record ReplicaView(long peer, boolean local, String state) {}

    /**
     * The replicas of a replicated (cluster) shard in placement order, with their states' wire
     * names (telemetry's {@code remote} and {@code replicate_states}); empty for a standalone shard.
     */
    default List<ReplicaView> replicas() {
        return List.of();
    }

    /** Nearest-neighbour search; hits best first. */
    List<ScoredPoint> search(CoreSearch request);

    /**
     * Statistics of dimensions {@code dims} (sorted unsigned, unique) of sparse vector {@code name}
     * over this shard's points that match {@code corpus} (null = all), for the {@code idf} modifier.
     */
    SparseStats sparseStats(String name, int[] dims, Filter corpus);

    /** The points with these ids that exist, in the order of {@code ids}. */
    List<PointRecord> retrieve(List<PointId> ids, PayloadSelector withPayload, VectorSelector withVector);

    /** A page of points in id order (or payload-field order when {@code request.orderBy} is set). */
    ScrollPage scroll(ScrollRequest request);

    /** Number of points matching {@code filter}; {@code exact=false} allows an estimate. */
    long count(Filter filter, boolean exact);

    /** Point, segment and index statistics. */
    ShardInfo info();

    /** The payload indexes by key (cheaper than {@link #info()}, which counts indexed points). */
    default Map<String, io.sextant.segment.index.PayloadIndexSpec> payloadSchema() {
        Map<String, io.sextant.segment.index.PayloadIndexSpec> out = new java.util.LinkedHashMap<>();
        info().payloadSchema().forEach((k, v) -> out.put(k, v.spec()));
        return out;
    }

    /** Optimization progress; shards without optimizers report nothing. */
    default OptimizationsReport optimizations() {
        return OptimizationsReport.EMPTY;
    }

    /** Operational figures for metrics; shards that keep none report {@link ShardStats#EMPTY}. */
    default ShardStats stats() {
        return ShardStats.EMPTY;
    }

    /** Freshness of this shard's writes; shards that keep none report {@link WriteFreshness#NONE}. */
    default WriteFreshness freshness() {
        return WriteFreshness.NONE;
    }

    /** One summary per segment (for telemetry); shards without segments report none. */
    default List<SegmentSummary> segmentSummaries() {
        return List.of();
    }

    /**
     * Captures this shard's files for a snapshot into {@code stagingDir} (created; empty or
     * missing), as {@link io.sextant.shard.snapshot.ShardFileCapture} does for a local shard: its
     * last checkpoint, the segment files it lists and the WAL records after it.
     *
     * @throws io.sextant.segment.error.UserException (bad request) for a kind of shard that cannot
     *     be captured
     */
    default io.sextant.shard.snapshot.ShardFileCapture.CapturedShard captureFiles(java.nio.file.Path stagingDir) {
        throw io.sextant.segment.error.UserException.badRequest(
                "Wrong input: a shard of type " + getClass().getSimpleName() + " cannot be snapshotted");
    }

    /** Applies a changed configuration (vectors' on_disk, optimizer and WAL settings). */
    void updateConfig(ShardConfig config);

    /**
     * Switches to the named vectors of {@code config}: vectors created on the live collection (no
     * point has them yet) and dropped ones (removed from every point), ordered with concurrent
     * updates. The caller has persisted {@code config} before.
     */
    void changeVectors(ShardConfig config);

    /** Flushes everything to disk and releases resources. */
    @Override
    void close();
}
