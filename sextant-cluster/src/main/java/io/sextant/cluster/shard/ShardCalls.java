package io.sextant.cluster.shard;

import io.sextant.segment.PointId;
import io.sextant.segment.codec.BinaryReader;
import io.sextant.segment.codec.BinaryWriter;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.SparseStats;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.ScrollPage;
import io.sextant.shard.ScrollRequest;
import io.sextant.shard.Shard;
import io.sextant.shard.ShardInfo;
import io.sextant.shard.UpdateResult;
import java.util.List;

/**
 * The calls of the internal shard service, one per data-carrying {@link Shard} method, with the
 * bodies of their messages (inside the envelope of {@link ShardCall}; layouts of the parts in
 * {@link PointOperationWire}, {@link QueryWire}, {@link ResultWire} and {@code FilterCodec}):
 *
 * <pre>
 * method       request body                                     response body
 * Update       u8 wait (0/1), point operation                   update
 * PrimaryUpdate  as Update                                     update
 * Search       search                                           hits
 * SparseStats  str vector name, u32 n, n x u32 dim, opt filter  sparse stats
 * Retrieve     ids, payload selector, vector selector           records
 * Scroll       scroll                                           scroll page
 * Count        opt filter, u8 exact (0/1)                       i64 count
 * Info         (empty)                                          info
 * Capture      (empty)                                          captured files ({@link ShardCaptureWire})
 * TaggedUpdate u64 incarnation, u64 tick, then as Update            update
 * RecoveryPoint (empty)                                         u64 incarnation (0 = unknown), u64 first, u64 last,
 *                                                               optional tail: u32 k (1 ..), k x (u64 peer, u64 tick)
 * TaggedBatch  u64 incarnation, u64 first tick, u8 wait (0/1),    update (of the last one)
 *              u32 n (1 ..), n x point operation (ticks first .. first+n-1)
 * InstallChunk str path inside the shard, i64 offset, u32 n, n bytes  i64 bytes written
 * InstallFinish u64 incarnation, u64 tick                         i64 points in the installed replica
 * RecoverStaged str priority (snapshot, replica or no_sync)      str outcome (SOURCE_OF_TRUTH, LOCAL_ONLY or DISCARDED)
 * Ping         (empty; collection "" shard 0)                   (empty)
 * </pre>
 *
 * {@code Ping} (added for the leader's probe of shard services, {@link ShardServiceProbe}; an older
 * peer answers {@code UNIMPLEMENTED}, which the probe counts as an answer) is answered by {@link
 * ShardService} without looking up a shard.
 *
 * {@code InstallChunk} and {@code InstallFinish} (the {@code snapshot} transfer; an older peer
 * answers {@code UNIMPLEMENTED}, the transfer fails and a later round streams): the primary ships
 * its captured shard files in chunks of at most {@link #INSTALL_CHUNK_BYTES} into a staging
 * directory next to the target's replica ({@code LocalShardLookup#installStaging}), then asks the
 * target to install them as its local replica ({@code LocalShardLookup#install}), whose recovery
 * point becomes {@code (incarnation, tick, tick)}: the files hold the primary's writes up to that
 * tick. An {@code InstallChunk} with an empty path clears the staging directory (a transfer's
 * first call). Served by {@link ShardService} only.
 *
 * {@code RecoverStaged} (added for snapshot recovery through a peer that holds no replica of the
 * shard; an older peer answers {@code UNIMPLEMENTED} and the recovery fails with that error): the
 * recovering peer ships the snapshot's shard files with {@code InstallChunk} as above, then asks the
 * serving peer to recover its replica from them by the given priority, as a snapshot recovery on
 * that peer would ({@code LocalShardLookup#recoverStaged}). Served by {@link ShardService} only.
 *
 * {@code TaggedBatch} (added for fast {@code wal_delta} transfers; an older peer answers it {@code
 * UNIMPLEMENTED} and the transfer fails, then falls back to {@code stream_records} on the next
 * round since the replica's point is left as it was): many consecutive tagged writes in one
 * call, applied in order with one WAL fsync on the serving peer ({@code Shard.updateAll}), whose
 * clock then advances to the last tick.
 *
 * {@code TaggedUpdate} and {@code RecoveryPoint} (added with the {@code wal_delta} transfer; an
 * older peer answers them {@code UNIMPLEMENTED}, and a primary then sends plain {@code Update}s and
 * falls back to {@code stream_records}): a primary forwards its writes as {@code TaggedUpdate}
 * with their {@link OperationTag}; the serving peer applies them to its replica as {@code Update}
 * does and records the tag in its {@link ReplicaClocks}; {@code RecoveryPoint} returns what that
 * replica recorded ({@link RecoveryPoint}). Both are served by {@link ShardService} itself, which
 * holds the clocks; the other calls run on the shard alone. The {@code RecoveryPoint} response's
 * tail (added for {@code wal_delta} across a primary change) is written only for a run the serving
 * peer ordered itself ({@link RecoveryPoint#knownComplete} not empty): the ticks at which it knew
 * the other replicas complete. An older peer reading a response with a tail fails on the trailing
 * bytes, counts the point as unknown and streams: never a wrong delta.
 *
 * {@code Capture} (added for snapshots in cluster mode; an older peer answers it {@code
 * UNIMPLEMENTED}) captures the replica's snapshot files on the serving peer and ships them.
 *
 * {@code Update} applies the operation to the serving peer's own replica only (a primary
 * forwarding a write to the other replicas). {@code PrimaryUpdate} (added with replica sets; an
 * older peer answers it {@code UNIMPLEMENTED}) asks the serving peer to apply the operation as the
 * shard's primary: locally, then forwarded as {@code Update} to the shard's other replicas; it is
 * served from the lookup of primaries, not of local replicas ({@link ShardService}).
 *
 * <p>Not calls: {@code updateConfig} and {@code changeVectors} (every peer applies configuration from
 * the metadata log to its own shards), {@code close} (closing a remote handle never closes the
 * remote shard), and the local operational figures {@code optimizations}, {@code stats} and {@code
 * segmentSummaries} (each peer reports its own shards). {@code payloadSchema} is derived from
 * {@code Info}. Stateless and thread-safe.
 */
public final class ShardCalls {
    private ShardCalls() {}

    /** Body of an {@code Update} request. */
    public record UpdateRequest(PointOperation operation, boolean waitApplied) {}

    /** Body of a {@code SparseStats} request. */
    public record SparseStatsRequest(String vectorName, int[] dims, Filter corpus) {}

    /** Body of a {@code Retrieve} request. */
    public record RetrieveRequest(List<PointId> ids, PayloadSelector withPayload, VectorSelector withVector) {}

    /** Body of a {@code Count} request. */
    public record CountRequest(Filter filter, boolean exact) {}

    /** Apply to the serving peer's own replica only. */
    public static final ShardCall<UpdateRequest, UpdateResult> UPDATE =
            updateCall("Update", (shard, q) -> shard.update(q.operation(), q.waitApplied()));

    /** Apply as the shard's primary (replicate to the other replicas); the body is an Update's. */
    public static final ShardCall<UpdateRequest, UpdateResult> PRIMARY_UPDATE =
            updateCall("PrimaryUpdate", (shard, q) -> {
                if (!(shard instanceof PrimaryWriter primary)) {
                    throw new io.sextant.segment.error.ServiceException(
                            "Shard " + shard + " cannot apply a write as the primary of its replicas");
                }
                return primary.writeAsPrimary(q.operation(), q.waitApplied(), -1);
            });

    private static ShardCall<UpdateRequest, UpdateResult> updateCall(
            String name, java.util.function.BiFunction<Shard, UpdateRequest, UpdateResult> invoke) {
        return new ShardCall<>(
                name,
                ShardCall.Deadline.UPDATE,
                (w, q) -> PointOperationWire.write(w.bool(q.waitApplied()), q.operation()),
                r -> {
                    boolean wait = r.bool();
                    return new UpdateRequest(PointOperationWire.read(r), wait);
                },
                ResultWire::writeUpdate,
                ResultWire::readUpdate,
                invoke);
    }

    public static final ShardCall<CoreSearch, List<ScoredPoint>> SEARCH = new ShardCall<>(
            "Search",
            ShardCall.Deadline.SEARCH,
            QueryWire::writeSearch,
            QueryWire::readSearch,
            ResultWire::writeHits,
            ResultWire::readHits,
            Shard::search);

    /** Body of a {@code TaggedUpdate} request. */
    public record TaggedUpdateRequest(OperationTag tag, UpdateRequest update) {}

    /**
     * Apply to the serving peer's own replica only and record the tag (served by {@link
     * ShardService} with its clocks; {@link ShardCall#invoke} alone applies without recording).
     */
    public static final ShardCall<TaggedUpdateRequest, UpdateResult> TAGGED_UPDATE = new ShardCall<>(
            "TaggedUpdate",
            ShardCall.Deadline.UPDATE,
            (w, q) -> PointOperationWire.write(
                    w.i64(q.tag().incarnation())
                            .i64(q.tag().tick())
                            .bool(q.update().waitApplied()),
                    q.update().operation()),
            r -> {
                OperationTag tag = new OperationTag(r.i64(), r.i64());
                boolean wait = r.bool();
                return new TaggedUpdateRequest(tag, new UpdateRequest(PointOperationWire.read(r), wait));
            },
            ResultWire::writeUpdate,
            ResultWire::readUpdate,
            (shard, q) -> shard.update(q.update().operation(), q.update().waitApplied()));

    /** Body of a {@code TaggedBatch} request: the writes tagged {@code first}, {@code first+1} … */
    public record TaggedBatchRequest(OperationTag first, List<PointOperation> operations, boolean waitApplied) {
        public TaggedBatchRequest {
            operations = List.copyOf(operations);
            if (operations.isEmpty()) {
                throw new IllegalArgumentException("a tagged batch needs at least one write");
            }
        }

        /** The tag of the last write. */
        public OperationTag last() {
            return new OperationTag(first.incarnation(), first.tick() + operations.size() - 1);
        }
    }

    /**
     * Apply consecutive tagged writes to the serving peer's own replica with one fsync and record
     * the last tag (served by {@link ShardService} with its clocks).
     */
    public static final ShardCall<TaggedBatchRequest, UpdateResult> TAGGED_BATCH = new ShardCall<>(
            "TaggedBatch",
            ShardCall.Deadline.UPDATE,
            (w, q) -> {
                w.i64(q.first().incarnation())
                        .i64(q.first().tick())
                        .bool(q.waitApplied())
                        .count(q.operations().size());
                q.operations().forEach(op -> PointOperationWire.write(w, op));
            },
            r -> {
                OperationTag first = new OperationTag(r.i64(), r.i64());
                boolean wait = r.bool();
                int n = r.count(1);
                List<PointOperation> ops = new java.util.ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    ops.add(PointOperationWire.read(r));
                }
                return new TaggedBatchRequest(first, ops, wait);
            },
            ResultWire::writeUpdate,
            ResultWire::readUpdate,
            (shard, q) -> shard.updateAll(q.operations(), q.waitApplied()));

    /** The most file bytes one {@code InstallChunk} carries. */
    public static final int INSTALL_CHUNK_BYTES = 4 << 20;

    /** Body of an {@code InstallChunk} request. */
    public record InstallChunk(String path, long offset, byte[] data) {}

    /** Ships part of a captured file to the serving peer's staging directory (served by {@link ShardService}). */
    public static final ShardCall<InstallChunk, Long> INSTALL_CHUNK = new ShardCall<>(
            "InstallChunk",
            ShardCall.Deadline.UPDATE,
            (w, q) -> w.str(q.path()).i64(q.offset()).count(q.data().length).bytes(q.data()),
            r -> {
                String path = r.str();
                long offset = r.i64();
                return new InstallChunk(path, offset, r.bytes(r.count(1)));
            },
            (w, n) -> w.i64(n),
            io.sextant.segment.codec.BinaryReader::i64,
            (shard, q) -> {
                throw new io.sextant.segment.error.ServiceException("InstallChunk is served by the shard service");
            });

    /** Installs the shipped files as the serving peer's replica (served by {@link ShardService}). */
    public static final ShardCall<OperationTag, Long> INSTALL_FINISH = new ShardCall<>(
            "InstallFinish",
            ShardCall.Deadline.UPDATE,
            (w, q) -> w.i64(q.incarnation()).i64(q.tick()),
            r -> new OperationTag(r.i64(), r.i64()),
            (w, n) -> w.i64(n),
            io.sextant.segment.codec.BinaryReader::i64,
            (shard, q) -> {
                throw new io.sextant.segment.error.ServiceException("InstallFinish is served by the shard service");
            });

    /**
     * Recovers the serving peer's replica from the shipped files by a snapshot recovery priority
     * (served by {@link ShardService}); answers the outcome's name.
     */
    public static final ShardCall<String, String> RECOVER_STAGED = new ShardCall<>(
            "RecoverStaged",
            ShardCall.Deadline.UPDATE,
            (w, priority) -> w.str(priority),
            io.sextant.segment.codec.BinaryReader::str,
            (w, outcome) -> w.str(outcome),
            io.sextant.segment.codec.BinaryReader::str,
            (shard, q) -> {
                throw new io.sextant.segment.error.ServiceException("RecoverStaged is served by the shard service");
            });

    /** What the serving peer's replica recorded of tagged writes (served by {@link ShardService}). */
    public static final ShardCall<Void, RecoveryPoint> RECOVERY_POINT = new ShardCall<>(
            "RecoveryPoint",
            ShardCall.Deadline.READ,
            (w, q) -> {},
            r -> null,
            (w, p) -> {
                w.i64(p.incarnation()).i64(p.first()).i64(p.last());
                if (!p.knownComplete().isEmpty()) {
                    w.i32(p.knownComplete().size());
                    p.knownComplete().forEach((peer, tick) -> w.i64(peer).i64(tick));
                }
            },
            r -> {
                long incarnation = r.i64();
                long first = r.i64();
                long last = r.i64();
                java.util.Map<Long, Long> complete = new java.util.HashMap<>();
                if (!r.atEnd()) {
                    int k = r.count(16);
                    if (k < 1) {
                        throw r.corrupt("an empty known-complete tail");
                    }
                    for (int i = 0; i < k; i++) {
                        complete.put(r.i64(), r.i64());
                    }
                }
                return incarnation == 0 ? RecoveryPoint.UNKNOWN : new RecoveryPoint(incarnation, first, last, complete);
            },
            (shard, q) -> RecoveryPoint.UNKNOWN);

    public static final ShardCall<SparseStatsRequest, SparseStats> SPARSE_STATS = new ShardCall<>(
            "SparseStats",
            ShardCall.Deadline.SEARCH,
            (w, q) -> {
                w.str(q.vectorName()).count(q.dims().length);
                for (int d : q.dims()) {
                    w.i32(d);
                }
                PointOperationWire.writeOptFilter(w, q.corpus());
            },
            r -> {
                String name = r.str();
                int[] dims = new int[r.count(4)];
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = r.i32();
                }
                return new SparseStatsRequest(name, dims, PointOperationWire.readOptFilter(r));
            },
            ResultWire::writeSparseStats,
            ResultWire::readSparseStats,
            (shard, q) -> shard.sparseStats(q.vectorName(), q.dims(), q.corpus()));

    public static final ShardCall<RetrieveRequest, List<PointRecord>> RETRIEVE = new ShardCall<>(
            "Retrieve",
            ShardCall.Deadline.READ,
            (w, q) -> {
                w.ids(q.ids());
                QueryWire.writePayloadSelector(w, q.withPayload());
                QueryWire.writeVectorSelector(w, q.withVector());
            },
            r -> new RetrieveRequest(r.ids(), QueryWire.readPayloadSelector(r), QueryWire.readVectorSelector(r)),
            ResultWire::writeRecords,
            ResultWire::readRecords,
            (shard, q) -> shard.retrieve(q.ids(), q.withPayload(), q.withVector()));

    public static final ShardCall<ScrollRequest, ScrollPage> SCROLL = new ShardCall<>(
            "Scroll",
            ShardCall.Deadline.READ,
            QueryWire::writeScroll,
            QueryWire::readScroll,
            ResultWire::writeScrollPage,
            ResultWire::readScrollPage,
            Shard::scroll);

    public static final ShardCall<CountRequest, Long> COUNT = new ShardCall<>(
            "Count",
            ShardCall.Deadline.READ,
            (w, q) -> PointOperationWire.writeOptFilter(w, q.filter()).bool(q.exact()),
            r -> new CountRequest(PointOperationWire.readOptFilter(r), r.bool()),
            BinaryWriter::i64,
            BinaryReader::i64,
            (shard, q) -> shard.count(q.filter(), q.exact()));

    public static final ShardCall<Void, ShardInfo> INFO = new ShardCall<>(
            "Info",
            ShardCall.Deadline.READ,
            (w, q) -> {},
            r -> null,
            ResultWire::writeInfo,
            ResultWire::readInfo,
            (shard, q) -> shard.info());

    public static final ShardCall<Void, ShardCaptureWire.Shipped> CAPTURE = new ShardCall<>(
            "Capture",
            ShardCall.Deadline.READ,
            (w, q) -> {},
            r -> null,
            ShardCaptureWire::write,
            ShardCaptureWire::read,
            (shard, q) -> ShardCaptureWire.capture(shard));

    /**
     * A liveness probe of the shard service ({@link ShardServiceProbe}): empty bodies, served without
     * a shard by {@link ShardService} itself.
     */
    public static final ShardCall<Void, Void> PING = new ShardCall<>(
            "Ping", ShardCall.Deadline.READ, (w, q) -> {}, r -> null, (w, a) -> {}, r -> null, (shard, q) -> null);

    /** Every call served from the local replicas, in a fixed order ({@link #PRIMARY_UPDATE} is not). */
    public static final List<ShardCall<?, ?>> ALL =
            List.of(UPDATE, SEARCH, SPARSE_STATS, RETRIEVE, SCROLL, COUNT, INFO, CAPTURE);
}
