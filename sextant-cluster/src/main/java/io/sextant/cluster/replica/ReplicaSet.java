package io.sextant.cluster.replica;

import io.sextant.cluster.ReplicaState;
import io.sextant.cluster.shard.OperationTag;
import io.sextant.cluster.shard.PrimaryFence;
import io.sextant.cluster.shard.PrimaryWriter;
import io.sextant.cluster.shard.RecoveryPoint;
import io.sextant.collection.config.ReadFanOut;
import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.SparseStats;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.OptimizationsReport;
import io.sextant.shard.ScrollPage;
import io.sextant.shard.ScrollRequest;
import io.sextant.shard.SegmentSummary;
import io.sextant.shard.Shard;
import io.sextant.shard.ShardInfo;
import io.sextant.shard.ShardStats;
import io.sextant.shard.UpdateResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard of a collection in cluster mode: its replicas on the peers of the placement, the one on
 * this peer (a local shard, when this peer holds one) and the others reached through {@link
 * PeerReplicas}, each in the {@link ReplicaState} the metadata group agreed ({@link ReplicaStates}).
 * The collection sees it as one {@link Shard}.
 *
 * <p><b>Writes</b> go to the shard's <i>primary</i>: the first replica in placement order that is
 * Active ({@link ReplicaState#canBePrimary()}) and reachable. When that is this peer, {@link
 * #writeAsPrimary} applies the operation to the local replica and then sends it to every other
 * replica that receives writes (Active, Partial, Listener …; never Dead) with "apply locally only",
 * each through its own single-threaded queue fed in the order the primary applied the writes, so
 * every replica sees the same order; the forwards run in parallel. It waits for all of them (each
 * bounded by the internal call deadline). Every replica that failed its forward is then marked Dead
 * through the metadata group <i>before</i> the write is acknowledged, so an acknowledged write is
 * never missing from a replica still believed to receive writes; when that change cannot be
 * committed the write fails with a service error. It also fails when fewer than {@code
 * write_consistency_factor} replicas (capped at the replica count, the primary included; as in
 * Qdrant, replicas that receive no writes count as not applying it) applied it. A forward answered "not found" (the replica's peer has not applied the
 * collection's create yet) is retried for up to {@link ReplicaForwarding#NOT_FOUND_RETRY_MILLIS} ms first. When the
 * primary is another peer, the write is sent there to be applied as a primary write ({@code
 * PrimaryUpdate}, {@link ReplicaForwarding#writeThroughPrimary}); a peer that is unreachable is
 * skipped for the next Active one; when the primary is marked Dead while the write waits (the Raft
 * leader's {@link io.sextant.cluster.PeerLiveness}) the call is cancelled and the write goes to the
 * next Active replica; one that does not answer within twice the forward deadline (a frozen process)
 * is first marked Dead through the metadata group, so it stops acting as primary, then skipped. A
 * user error (bad input) at the primary is answered as such and nothing is forwarded.
 *
 * <p>Payload index changes ({@code CreateFieldIndex}, {@code DeleteFieldIndex}) are applied to the
 * local replica only: every peer applies them from the metadata log to its own replicas.
 *
 * <p><b>Reads</b> ask readable (Active) replicas only, the local one first, then the remote ones
 * in random order, through a {@link FanOutRead}: as many as the request's {@link ReadConsistency}
 * needs plus {@code read_fan_out_factor} up front, one more when none answered within {@code
 * read_fan_out_delay_ms}, the next one in place of one that fails with a service error (a user
 * error is the answer); the first answers win and the rest are cancelled. Several answers are
 * merged by {@link ReplicaAnswers}. The request's consistency and ordering come from {@link
 * RequestGuarantees}. Dead and Partial replicas serve no reads. Configuration changes and close
 * apply to the local replica only.
 *
 * <p><b>Forward deadline:</b> the primary waits at most {@link #FORWARD_DEADLINE_MILLIS} for every
 * replica's forward together ({@link ReplicaForwarding}); a replica that has not applied the write by
 * then (a frozen or overloaded peer) is marked Dead like one whose forward failed, before the write
 * is acknowledged. A replica marked Dead meanwhile ends the wait at once (its Dead entry is committed).
 *
 * <p>Thread-safe: writes as primary are serialized per replica set (local apply and queueing of
 * the forwards happen under one lock); reads run concurrently.
 */
public final class ReplicaSet implements Shard, PrimaryWriter {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSet.class);

    /**
     * Where this shard's replicas are.
     *
     * @param collection collection name
     * @param shardId shard id
     * @param self this peer's id
     * @param peers the replicas' peer ids in placement order
     */
    public record Layout(String collection, int shardId, long self, List<Long> peers) {
        public Layout {
            peers = List.copyOf(peers);
            if (peers.isEmpty()) {
                throw new IllegalArgumentException("shard " + shardId + " of " + collection + " has no replicas");
            }
        }

        /** Whether this peer holds a replica. */
        public boolean local() {
            return peers.contains(self);
        }
    }

    /** Replaced (under {@link #primaryOrder}) when a replica is dropped; read without the lock. */
    private volatile Layout layout;
    /** Null once this peer's replica was dropped; read once per call into a local variable. */
    volatile Shard local;

    final PeerReplicas remotes;
    private final IntSupplier writeConsistency;
    final ReplicaStates states;
    final Object primaryOrder = new Object();
    /** Whether this peer may order writes, by the log (fencing). */
    private final PrimaryRole role;
    /** The per-replica forwarding queues; its map is guarded by {@link #primaryOrder}. */
    final ReplicaForwarding forwarding;
    /** Which replica orders a write: this one or another peer's. */
    private final WriteRouting routing;

    private final ReplicaReads reads;
    /** The writes this peer ordered as primary, for {@code wal_delta} transfers. */
    final RetainedOperations retained;
    /** The transfer starts, under {@link #primaryOrder}. */
    private final ReplicaTransferStarts transfers = new ReplicaTransferStarts(this);
    /** The most writes one {@code wal_delta} call carries. */
    volatile int deltaBatchWrites = DeltaBatches.WRITES;

    /**
     * The default bound on waiting for one replica's forward: a replica that has not applied a
     * write by then (e.g. a frozen process) is marked Dead and the write acknowledged without it.
     */
    public static final long FORWARD_DEADLINE_MILLIS = ReplicaForwarding.FORWARD_DEADLINE_MILLIS;

    /**
     * @param layout the placement of this shard
     * @param local the local replica, non-null exactly when {@code layout.local()}
     * @param remotes the other replicas
     * @param writeConsistency the collection's current {@code write_consistency_factor}
     */
    public ReplicaSet(Layout layout, Shard local, PeerReplicas remotes, IntSupplier writeConsistency) {
        this(layout, local, remotes, writeConsistency, ReplicaStates.ALL_ACTIVE);
    }

    /**
     * @param layout the placement of this shard
     * @param local the local replica, non-null exactly when {@code layout.local()}
     * @param remotes the other replicas
     * @param writeConsistency the collection's current {@code write_consistency_factor}
     * @param states the replicas' states, and how to mark one Dead
     */
    public ReplicaSet(
            Layout layout, Shard local, PeerReplicas remotes, IntSupplier writeConsistency, ReplicaStates states) {
        this(layout, local, remotes, writeConsistency, states, () -> ReadFanOut.UNSET);
    }

    /**
     * @param layout the placement of this shard
     * @param local the local replica, non-null exactly when {@code layout.local()}
     * @param remotes the other replicas
     * @param writeConsistency the collection's current {@code write_consistency_factor}
     * @param states the replicas' states, and how to mark one Dead
     * @param fanOut the collection's current {@code read_fan_out_factor} and {@code
     *     read_fan_out_delay_ms}
     */
    public ReplicaSet(
            Layout layout,
            Shard local,
            PeerReplicas remotes,
            IntSupplier writeConsistency,
            ReplicaStates states,
            Supplier<ReadFanOut> fanOut) {
        this(layout, local, remotes, writeConsistency, states, fanOut, null);
    }

    /**
     * @param retainedFile where the writes this peer orders as primary are kept for {@code
     *     wal_delta} across restarts ({@link RetainedHistoryFile}); null keeps them in memory only
     */
    public ReplicaSet(
            Layout layout,
            Shard local,
            PeerReplicas remotes,
            IntSupplier writeConsistency,
            ReplicaStates states,
            Supplier<ReadFanOut> fanOut,
            java.nio.file.Path retainedFile) {
        if ((local != null) != layout.local()) {
            throw new IllegalArgumentException("peer " + Long.toUnsignedString(layout.self())
                    + (layout.local() ? " holds" : " does not hold") + " a replica of shard " + layout.shardId()
                    + " but local is " + local);
        }
        this.layout = layout;
        this.local = local;
        this.remotes = remotes;
        this.writeConsistency = writeConsistency;
        this.states = states;
        this.retained = retainedFile == null || local == null
                ? new RetainedOperations(
                        RetainedOperations.DEFAULT_MAX_OPERATIONS, RetainedOperations.DEFAULT_MAX_BYTES)
                : RetainedOperations.open(
                        retainedFile,
                        RetainedOperations.DEFAULT_MAX_OPERATIONS,
                        RetainedOperations.DEFAULT_MAX_BYTES,
                        local.lastOperationId());
        this.role = new PrimaryRole(this::layout, states);
        this.forwarding = new ReplicaForwarding(remotes, states, retained, this::layout, role::fence);
        this.routing = new WriteRouting(this::layout, states, remotes, forwarding, role, this::writeAsPrimary, this);
        this.reads = new ReplicaReads(remotes, states, fanOut);
        for (long peer : layout.peers()) {
            if (peer != layout.self()) {
                forwarding.open(layout, peer);
            }
        }
    }

    /** The run this peer ordered, while it describes the local replica ({@link RetainedOperations#orderedRun}). */
    @Override
    public RecoveryPoint orderedRun() {
        Shard mine = local;
        return mine == null ? null : retained.orderedRun(mine.lastOperationId());
    }

    /** The other replicas that are Active now (known complete when a new incarnation starts; under the order lock). */
    List<Long> activeRemotePeers() {
        Layout l = layout;
        List<Long> active = new ArrayList<>();
        for (long peer : l.peers()) {
            if (peer != l.self() && states.state(peer) == ReplicaState.ACTIVE) {
                active.add(peer);
            }
        }
        return active;
    }

    public Layout layout() {
        return layout;
    }

    /** The replica on this peer, or null when this peer holds none. */
    public Shard localReplica() {
        return local;
    }

    /** The state of the replica on {@code peer} as this peer knows it. */
    public ReplicaState state(long peer) {
        return states.state(peer);
    }

    /** Writes that a replica failed to apply since start (forwarded by this peer as primary). */
    public long failedReplicaWrites() {
        return forwarding.failedReplicaWrites();
    }

    // ---------------------------------------------------------------- writes

    @Override
    public UpdateResult update(PointOperation operation, boolean wait) {
        return update(operation, wait, -1);
    }

    @Override
    public UpdateResult update(PointOperation operation, boolean wait, long waitMillis) {
        if (operation instanceof PointOperation.CreateFieldIndex
                || operation instanceof PointOperation.DeleteFieldIndex) {
            Shard mine = local;
            return mine == null ? new UpdateResult(0, true) : applyLocally(mine, operation, wait, waitMillis);
        }
        return RequestGuarantees.ordering() == WriteOrdering.STRONG
                ? routing.strong(operation, wait, waitMillis)
                : routing.route(operation, wait, waitMillis);
    }

    private static UpdateResult applyLocally(Shard mine, PointOperation operation, boolean wait, long waitMillis) {
        return waitMillis < 0 ? mine.update(operation, wait) : mine.update(operation, wait, waitMillis);
    }

    /**
     * Applies {@code operation} as the shard's primary: to the local replica, then to every other
     * replica in the order of the writes, returning once {@code write_consistency_factor} replicas
     * applied it.
     *
     * @param waitMillis at most this long waiting for visibility (negative: the shard's default)
     * @throws ServiceException when this peer holds no replica or too few replicas applied it
     * @throws io.sextant.segment.error.UserException for bad input (nothing is forwarded then)
     */
    @Override
    public UpdateResult writeAsPrimary(PointOperation operation, boolean wait, long waitMillis) {
        if (local == null) {
            throw new ServiceException("Peer " + Long.toUnsignedString(layout.self()) + " holds no replica of shard "
                    + layout.shardId() + " of collection " + layout.collection() + " and cannot be its primary");
        }
        // first: a caller whose log is ahead of this peer's (a repair just made this replica Active
        // again) waits here for this log to catch up, rather than failing on this replica's state
        role.awaitNamed();
        ReplicaState mineState = states.state(layout.self());
        if (!mineState.canBePrimary()) {
            throw new ServiceException("The replica of shard " + layout.shardId() + " of collection "
                    + layout.collection() + " on peer " + Long.toUnsignedString(layout.self()) + " is "
                    + mineState.wireName() + " and cannot be the primary");
        }
        UpdateResult mine;
        Map<Long, CompletableFuture<Boolean>> forwards;
        PrimaryFence fence;
        synchronized (primaryOrder) {
            fence = role.fence();
            role.requireNotDeposed(fence);
            Shard replica = local;
            if (replica == null) {
                throw new ServiceException("The replica of shard " + layout.shardId() + " of collection "
                        + layout.collection() + " was dropped from peer " + Long.toUnsignedString(layout.self()));
            }
            mine = applyLocally(replica, operation, wait, waitMillis);
            OperationTag tag = forwarding.isEmpty()
                    ? null
                    : retained.append(operation, mine.operationId(), this::activeRemotePeers);
            forwards = forwarding.queueAll(operation, wait, tag);
        }
        int applied = 1;
        long deadline = forwarding.deadline();
        List<Long> failed = new ArrayList<>();
        List<Long> admitted = new ArrayList<>();
        List<Long> refusing = new ArrayList<>();
        PrimaryFence.Refused refused = null;
        for (Map.Entry<Long, CompletableFuture<Boolean>> f : forwards.entrySet()) {
            try {
                if (forwarding.awaitForward(f.getKey(), f.getValue(), deadline)) {
                    applied++;
                    admitted.add(f.getKey());
                } else {
                    failed.add(f.getKey());
                }
            } catch (PrimaryFence.Refused r) {
                refused = r;
                refusing.add(f.getKey());
            }
        }
        if (refused != null) {
            // replaced as primary: no ack, and no Dead marks for replicas that follow the new one;
            // this replica and those that admitted the write are repaired from one that refused it
            role.deposed(fence, admitted, refusing);
            throw new ServiceException(
                    "The write to shard " + layout.shardId() + " of collection " + layout.collection()
                            + " is not acknowledged: peer " + Long.toUnsignedString(layout.self())
                            + " is no longer its primary (" + refused.getMessage() + ")",
                    refused);
        }
        for (long peer : failed) {
            requireStillPrimary();
            // before the ack: throws when consensus cannot be reached, or when the log no longer
            // names this peer the primary (replaced while it waited)
            states.markDeadAsPrimary(layout.self(), peer);
        }
        int replicas = layout.peers().size();
        int needed = Math.min(Math.max(1, writeConsistency.getAsInt()), replicas);
        if (applied < needed) {
            throw new ServiceException("Write to shard " + layout.shardId() + " of collection " + layout.collection()
                    + " was applied by " + applied + " of " + replicas + " replicas, write_consistency_factor needs "
                    + needed);
        }
        return mine;
    }

    /**
     * Fails the write when this peer's own replica was marked Dead while it ordered it (the caller
     * has given up on it and sent it to the next Active replica): a deposed primary must not mark
     * the replicas that now follow another primary Dead because its late forwards failed.
     */
    private void requireStillPrimary() {
        ReplicaState mine = states.state(layout.self());
        if (!mine.canBePrimary()) {
            throw new ServiceException("The replica of shard " + layout.shardId() + " of collection "
                    + layout.collection() + " on peer " + Long.toUnsignedString(layout.self()) + " became "
                    + mine.wireName() + " while it ordered a write; not acknowledged");
        }
    }

    /** Changes how long the primary waits for one replica's forward (tests; default {@link #FORWARD_DEADLINE_MILLIS}). */
    public void forwardDeadline(java.time.Duration d) {
        forwarding.forwardDeadline(d);
    }

    // ---------------------------------------------------------------- transfers

    /**
     * Whether this peer is the shard's primary as far as it knows: it holds the first replica in
     * placement order that can be the primary (Active).
     */
    public boolean primaryHere() {
        for (long peer : layout.peers()) {
            if (states.state(peer).canBePrimary()) {
                return peer == layout.self() && local != null;
            }
        }
        return false;
    }

    /** Starts filling the replica on {@code peer} ({@link ReplicaTransferStarts#beginFill}). */
    CompletableFuture<Void> beginFill(long peer) {
        return transfers.beginFill(peer);
    }

    /**
     * How a {@code wal_delta} transfer started: the missed writes in flight, or why none could be
     * sent (then the caller falls back to {@code stream_records}).
     *
     * @param sent completes when the replica applied every missed write; null when no delta
     * @param operations how many writes were sent
     * @param fallback why a delta is impossible (null when {@code sent} is set)
     */
    record DeltaStart(CompletableFuture<Void> sent, int operations, String fallback) {}

    /** Starts a {@code wal_delta} transfer to {@code peer} ({@link ReplicaTransferStarts#beginDelta}). */
    DeltaStart beginDelta(long peer, RecoveryPoint point) {
        return transfers.beginDelta(peer, point);
    }

    /** Queues one stream_records batch for {@code peer} ({@link ReplicaTransferStarts#sendBatch}). */
    Batch sendBatch(long peer, PointId offset, int limit) {
        return transfers.sendBatch(peer, offset, limit);
    }

    /**
     * How a {@code snapshot} transfer started: the capture's shipping and install in flight, and the
     * tag of the newest write the captured files hold.
     *
     * @param installed completes with the installed replica's point count
     * @param upTo the captured files hold every write up to this tag
     * @param bytes bytes of captured files
     */
    record SnapshotStart(CompletableFuture<Long> installed, OperationTag upTo, long bytes) {}

    /** Starts a {@code snapshot} transfer to {@code peer} ({@link ReplicaTransferStarts#beginSnapshot}). */
    SnapshotStart beginSnapshot(long peer, java.nio.file.Path staging, int pointsPerSecond) {
        return transfers.beginSnapshot(peer, staging, pointsPerSecond);
    }

    /**
     * Replaces the local replica (a {@code snapshot} transfer installed new files): the old one is
     * closed, {@code reopen} moves the files into place and opens the new one.
     */
    public Shard replaceLocal(Supplier<Shard> reopen) {
        return replaceLocal(() -> {}, reopen);
    }

    /**
     * {@link #replaceLocal(Supplier)} once {@code admit} passed (it throws to refuse), both under the
     * write order: a snapshot transfer's install checks its sender's fence here again, so a snapshot
     * recovery that made this replica the source of truth (marking the sender Dead) while the install
     * call waited is not overwritten by it.
     */
    public Shard replaceLocal(Runnable admit, Supplier<Shard> reopen) {
        synchronized (primaryOrder) {
            admit.run();
            Shard old = local;
            if (old == null) {
                throw new ServiceException(
                        "Peer " + Long.toUnsignedString(layout.self()) + " holds no replica of shard "
                                + layout.shardId() + " of collection " + layout.collection() + " to replace");
            }
            old.close();
            Shard fresh = reopen.get();
            local = fresh;
            return fresh;
        }
    }

    /**
     * A batch in flight.
     *
     * @param points how many points it holds
     * @param next where the next batch starts, null after the last one
     * @param sent completes when the replica applied it
     */
    record Batch(int points, PointId next, CompletableFuture<Void> sent) {}

    /** Sets how many writes a {@code wal_delta} transfer sends per call (tests, benches; default {@link DeltaBatches#WRITES}). */
    void deltaBatchWrites(int writes) {
        if (writes < 1) {
            throw new IllegalArgumentException("delta batch must hold >= 1 write, got " + writes);
        }
        deltaBatchWrites = writes;
    }

    /** The replica set's states (for transfers). */
    ReplicaStates states() {
        return states;
    }

    /** What the replica on {@code peer} recorded of this shard's tagged writes. */
    RecoveryPoint recoveryPoint(long peer) {
        return remotes.recoveryPoint(peer);
    }

    /** The replica on {@code peer} as reached from here, or null when its address is unknown. */
    Shard remoteReplica(long peer) {
        return remotes.replica(peer);
    }

    // ---------------------------------------------------------------- reads

    /** Fixes the order remote replicas are asked in (tests; by default shuffled per read). */
    void orderRemotes(UnaryOperator<List<Long>> order) {
        reads.orderRemotes(order);
    }

    /** {@link ReplicaReads#read} on this shard's current layout and local replica. */
    private <T> List<T> read(String what, Function<Shard, T> read, ReadConsistency consistency) {
        return reads.read(layout, local, what, read, consistency, true);
    }

    /** {@link #read(String, Function, ReadConsistency)} for reads that one replica answers. */
    private <T> T readOne(String what, Function<Shard, T> read) {
        return readOne(what, read, true);
    }

    /** One replica's answer; without {@code fanOut}, replicas are asked one after another only. */
    private <T> T readOne(String what, Function<Shard, T> read, boolean fanOut) {
        return reads.read(layout, local, what, read, ReadConsistency.ONE, fanOut)
                .getFirst();
    }

    @Override
    public List<ScoredPoint> search(CoreSearch request) {
        ReadConsistency c = RequestGuarantees.consistency();
        List<List<ScoredPoint>> answers = read("search", s -> s.search(request), c);
        return ReplicaAnswers.hits(answers, c.keepThreshold(answers.size()));
    }

    @Override
    public SparseStats sparseStats(String name, int[] dims, Filter corpus) {
        return readOne("sparse stats", s -> s.sparseStats(name, dims, corpus));
    }

    @Override
    public List<PointRecord> retrieve(List<PointId> ids, PayloadSelector withPayload, VectorSelector withVector) {
        ReadConsistency c = RequestGuarantees.consistency();
        List<List<PointRecord>> answers = read("retrieve", s -> s.retrieve(ids, withPayload, withVector), c);
        return ReplicaAnswers.records(answers, c.keepThreshold(answers.size()));
    }

    @Override
    public ScrollPage scroll(ScrollRequest request) {
        ReadConsistency c = RequestGuarantees.consistency();
        List<ScrollPage> answers = read("scroll", s -> s.scroll(request), c);
        return answers.size() == 1
                ? answers.getFirst()
                : ReplicaAnswers.pages(answers, c.keepThreshold(answers.size()));
    }

    @Override
    public long count(Filter filter, boolean exact) {
        ReadConsistency c = RequestGuarantees.consistency();
        List<Long> answers = read("count", s -> s.count(filter, exact), c);
        return ReplicaAnswers.count(answers, c.kind() == ReadConsistency.Kind.MAJORITY);
    }

    @Override
    public ShardInfo info() {
        return readOne("info", Shard::info);
    }

    /** The local replica's files, else a readable remote replica's (fetched over the internal API). */
    @Override
    public io.sextant.shard.snapshot.ShardFileCapture.CapturedShard captureFiles(java.nio.file.Path stagingDir) {
        return readOne("snapshot capture", s -> s.captureFiles(stagingDir), false); // never twice: heavy
    }

    @Override
    public Map<String, PayloadIndexSpec> payloadSchema() {
        return readOne("payload schema", Shard::payloadSchema);
    }

    /** True when this peer holds a replica. */
    @Override
    public boolean holdsLocalData() {
        return local != null;
    }

    @Override
    public List<ReplicaView> replicas() {
        Layout l = layout;
        return l.peers().stream()
                .map(p -> new ReplicaView(p, p == l.self(), state(p).wireName()))
                .toList();
    }

    @Override
    public long payloadStorageBytes() {
        Shard mine = local;
        return mine == null ? 0 : mine.payloadStorageBytes();
    }

    @Override
    public OptimizationsReport optimizations() {
        Shard mine = local;
        return mine == null ? OptimizationsReport.EMPTY : mine.optimizations();
    }

    @Override
    public ShardStats stats() {
        Shard mine = local;
        return mine == null ? ShardStats.EMPTY : mine.stats();
    }

    /** The local replica's write freshness (a peer without one reports none). */
    @Override
    public io.sextant.shard.WriteFreshness freshness() {
        Shard mine = local;
        return mine == null ? io.sextant.shard.WriteFreshness.NONE : mine.freshness();
    }

    @Override
    public List<SegmentSummary> segmentSummaries() {
        Shard mine = local;
        return mine == null ? List.of() : mine.segmentSummaries();
    }

    // ---------------------------------------------------------------- configuration

    /** Applies to the local replica: every peer applies configuration from the metadata log. */
    @Override
    public void updateConfig(ShardConfig config) {
        Shard mine = local;
        if (mine != null) {
            mine.updateConfig(config);
        }
    }

    /** Applies to the local replica: every peer applies configuration from the metadata log. */
    @Override
    public void changeVectors(ShardConfig config) {
        Shard mine = local;
        if (mine != null) {
            mine.changeVectors(config);
        }
    }

    /** Stops the forwarding queues (after the queued forwards ran) and closes the local replica. */
    @Override
    public void close() {
        List<ExecutorService> all;
        synchronized (primaryOrder) {
            all = forwarding.all();
        }
        all.forEach(ExecutorService::close);
        retained.close();
        Shard mine = local;
        if (mine != null) {
            mine.close();
        }
    }

    // ---------------------------------------------------------------- placement changes

    /**
     * Adds a replica on {@code peer} to this shard, last in placement order (the metadata log added
     * it, Partial): another peer's gets a forwarding queue; this peer's is {@code mine}, a new empty
     * local replica. Nothing happens when the layout already has it.
     *
     * @param mine the new local replica when {@code peer} is this peer, else null
     * @return whether the layout changed (when not, the caller closes {@code mine})
     */
    public boolean addReplica(long peer, Shard mine) {
        synchronized (primaryOrder) {
            Layout current = layout;
            if (current.peers().contains(peer) || (peer == current.self()) != (mine != null)) {
                return false;
            }
            List<Long> more = new ArrayList<>(current.peers());
            more.add(peer);
            layout = new Layout(current.collection(), current.shardId(), current.self(), more);
            if (mine != null) {
                local = mine;
            } else {
                forwarding.open(current, peer);
            }
            return true;
        }
    }

    /**
     * Removes the replica on {@code peer} from this shard (the metadata log dropped it from the
     * placement): the layout loses it; a remote replica's forwarding queue stops after the forwards
     * already queued; this peer's own replica is closed (the caller deletes its files). Calls that
     * already took the local replica finish on it or fail as on a closed shard. Nothing happens when
     * the layout has no such replica or it is the last one.
     *
     * @return whether this peer's own replica was dropped
     */
    public boolean dropReplica(long peer) {
        Shard closed = null;
        ExecutorService stopped;
        synchronized (primaryOrder) {
            Layout current = layout;
            if (!current.peers().contains(peer) || current.peers().size() == 1) {
                return false;
            }
            List<Long> rest = new ArrayList<>(current.peers());
            rest.remove(Long.valueOf(peer));
            layout = new Layout(current.collection(), current.shardId(), current.self(), rest);
            stopped = forwarding.remove(peer);
            retained.forget(peer);
            if (peer == current.self()) {
                closed = local;
                local = null;
                retained.discard(); // its history describes a replica that is gone
            }
        }
        if (stopped != null) {
            stopped.close();
        }
        if (closed != null) {
            closed.close();
            return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return "ReplicaSet[" + layout.collection() + "/" + layout.shardId() + " on " + layout.peers() + "]";
    }
}
