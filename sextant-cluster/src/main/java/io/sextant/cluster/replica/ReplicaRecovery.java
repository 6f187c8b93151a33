package io.sextant.cluster.replica;

import io.sextant.cluster.ReplicaState;
import io.sextant.cluster.ShardTransfer;
import io.sextant.cluster.shard.RecoveryPoint;
import io.sextant.segment.PointId;
import io.sextant.segment.error.ServiceException;
import io.sextant.shard.Shard;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs Dead replicas automatically by a shard transfer, {@code wal_delta} when possible, else
 * {@code stream_records} (as Qdrant: automatic recovery tries {@code wal_delta} first and falls back
 * when the delta cannot be resolved). Every {@link
 * Settings#interval} it looks at the replica sets of this peer; for each shard whose primary is
 * this peer ({@link ReplicaSet#primaryHere()}) and each other replica that is Dead (or Partial with
 * no transfer running here, e.g. after this peer restarted mid-transfer) whose peer answers again,
 * it runs a transfer on a virtual thread. First it asks the replica's peer for its {@link
 * RecoveryPoint} and the replica set for the writes it missed ({@link ReplicaSet#beginDelta}, see
 * {@link RetainedOperations}); when there is such a delta the replica becomes Partial, only those
 * writes are sent (tagged, in the write order) and, once applied, the replica becomes Active: a
 * {@code wal_delta} transfer. Otherwise (recovery point unknown or from another primary, suffix no
 * longer retained, replica not known complete) it streams the whole shard:
 *
 * <ol>
 *   <li>{@link ReplicaSet#beginFill}: the replica becomes Partial through the metadata group (it
 *       now receives every new write) and, in the write order, is sent a delete of all its points;
 *   <li>{@link ReplicaSet#sendBatch} in a loop: batches of the primary's local replica in id order
 *       (ids, every vector, payload) sent as plain upserts through the same ordered queue as the
 *       writes, each read under the write order lock, so a write that follows a batch (a delete
 *       too) reaches the replica after it and is never undone by it; a failed batch is retried
 *       {@link #BATCH_ATTEMPTS} times from the same id (resuming the stream), and the rate is held
 *       to {@link Settings#pointsPerSecond};
 *   <li>the replica becomes Active through the metadata group (from Partial: a replica marked Dead
 *       meanwhile, by a failed forward, stays Dead and is retried on a later round).
 * </ol>
 *
 * <p>A transfer method asked by {@code replicate_shard}, {@code move_shard} or {@code
 * restart_transfer} ({@link ReplicaStates#takeRequestedMethod}) overrides that choice: {@code
 * stream_records} skips the delta; {@code snapshot} installs a capture of the primary's files on the
 * replica ({@link ReplicaSet#beginSnapshot}, {@link SnapshotShipping}) and then sends the writes
 * after the capture by delta.
 *
 * <p>Why the primary drives it and not the Raft leader: the batches must be ordered with the
 * shard's writes, and only the primary orders them (its write order lock and per-replica queues);
 * a leader-driven transfer would have to ask the primary for that anyway, and the primary already
 * holds the data to stream. A transfer stops (the replica stays Partial, and the next primary or
 * a later round starts again) when this peer stops being the primary; a transfer started again
 * begins from an empty replica (the delete of all points), since a Partial replica may lack
 * writes made while no transfer was running.
 *
 * <p>Thread-safe; one transfer per (replica set, peer) at a time.
 */
public final class ReplicaRecovery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaRecovery.class);

    /** How often a failed batch is sent again before the transfer gives up. */
    static final int BATCH_ATTEMPTS = 3;

    /**
     * How recovery runs.
     *
     * @param interval how often Dead replicas are looked for
     * @param batchSize points per streamed batch
     * @param pointsPerSecond the most points a transfer streams per second (0: no limit); a snapshot
     *     transfer ships its files at the byte rate that makes ({@link TransferPace#forBytes})
     * @param defaultMethod the method a repair falls back to when {@code wal_delta} is not possible,
     *     and that {@code replicate_shard}/{@code move_shard} without a method use (Qdrant's {@code
     *     storage.shard_transfer_method}; {@code wal_delta} falls back to {@code stream_records})
     */
    public record Settings(Duration interval, int batchSize, int pointsPerSecond, String defaultMethod) {
        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(1), 256, 10_000);

        /** Settings that fall back to {@code stream_records}. */
        public Settings(Duration interval, int batchSize, int pointsPerSecond) {
            this(interval, batchSize, pointsPerSecond, "stream_records");
        }

        /** The method a repair uses when no {@code wal_delta} is possible. */
        String fallbackMethod() {
            return defaultMethod.equals("wal_delta") ? "stream_records" : defaultMethod;
        }

        public Settings {
            if (!io.sextant.cluster.ShardTransfer.METHODS.contains(defaultMethod)) {
                throw new IllegalArgumentException("unknown shard transfer method " + defaultMethod
                        + ", expected one of " + io.sextant.cluster.ShardTransfer.METHODS);
            }
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("recovery interval must be positive, got " + interval);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("transfer batch size must be >= 1, got " + batchSize);
            }
            if (pointsPerSecond < 0) {
                throw new IllegalArgumentException("transfer points per second must be >= 0, got " + pointsPerSecond);
            }
        }
    }

    private final Supplier<List<ReplicaSet>> sets;
    private final Settings settings;
    private final TransferLog log;
    private final java.util.Set<String> running = ConcurrentHashMap.newKeySet();
    private final Map<Transfer, Boolean> active = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private volatile boolean closed;

    /**
     * @param sets this peer's replica sets (read at every round)
     * @param settings interval, batch size and throttle
     */
    public ReplicaRecovery(Supplier<List<ReplicaSet>> sets, Settings settings) {
        this(sets, settings, TransferLog.inMemory());
    }

    /**
     * @param sets this peer's replica sets (read at every round)
     * @param settings interval, batch size, throttle and default method
     * @param log where transfers are recorded (the metadata log in production)
     */
    public ReplicaRecovery(Supplier<List<ReplicaSet>> sets, Settings settings, TransferLog log) {
        this.sets = sets;
        this.settings = settings;
        this.log = log;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("replica-recovery").factory());
    }

    /** Starts the periodic rounds. */
    public ReplicaRecovery start() {
        long ms = settings.interval().toMillis();
        timer.scheduleWithFixedDelay(this::round, ms, ms, TimeUnit.MILLISECONDS);
        return this;
    }

    /** One look at every replica set: starts the transfers that are due (for tests and the timer). */
    void round() {
        try {
            for (ReplicaSet rs : sets.get()) {
                if (closed || !rs.primaryHere()) {
                    continue;
                }
                for (long peer : rs.layout().peers()) {
                    ReplicaState s = rs.state(peer);
                    if (peer == rs.layout().self()) {
                        continue;
                    }
                    String key = rs.layout().collection() + "/" + rs.layout().shardId() + "/" + peer;
                    if (s == ReplicaState.DEAD || s == ReplicaState.PARTIAL || s == ReplicaState.PARTIAL_SNAPSHOT) {
                        if (running.add(key)) {
                            Thread.ofVirtual().name("transfer-" + key).start(() -> {
                                try {
                                    transfer(rs, peer);
                                } finally {
                                    running.remove(key);
                                }
                            });
                        }
                    } else if (s == ReplicaState.ACTIVE && running.add(key)) {
                        try { // a transfer whose target became Active but whose finish was not recorded
                            ShardTransfer done = log.find(
                                    rs.layout().collection(), rs.layout().shardId(), peer);
                            if (done != null) {
                                finish(rs, done);
                            }
                        } finally {
                            running.remove(key);
                        }
                    }
                }
            }
        } catch (RuntimeException e) { // a collection closing under us: the next round looks again
            LOG.debug("Replica recovery round failed: {}", e.toString());
        }
    }

    /**
     * A transfer this peer runs.
     *
     * @param collection the collection
     * @param shardId the shard
     * @param from this peer (the primary)
     * @param to the peer whose replica is filled
     */
    public record Transfer(String collection, int shardId, long from, long to, String method) {}

    /**
     * A transfer this peer ran to its end (for {@code GET /collections/{c}/cluster} and benches).
     *
     * @param transfer which one
     * @param items writes ({@code wal_delta}) or points ({@code stream_records}) sent
     * @param millis how long it took from its start
     * @param activated whether the replica ended Active
     * @param finishedAtMillis wall clock time of its end
     * @param fallbackReason for a {@code stream_records} transfer, why {@code wal_delta} was not possible
     */
    public record Finished(
            Transfer transfer,
            long items,
            long millis,
            boolean activated,
            long finishedAtMillis,
            String fallbackReason) {}

    /** How many finished transfers are remembered. */
    static final int HISTORY = 64;

    private final java.util.Deque<Finished> history = new java.util.ArrayDeque<>();

    /** The last finished transfers of {@code collection} this peer ran, oldest first. */
    public List<Finished> finished(String collection) {
        synchronized (history) {
            return history.stream()
                    .filter(f -> f.transfer().collection().equals(collection))
                    .toList();
        }
    }

    private void remember(Transfer t, long items, long startedNanos, boolean activated, String fallback) {
        Finished f = new Finished(
                t,
                items,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos),
                activated,
                System.currentTimeMillis(),
                fallback);
        synchronized (history) {
            history.addLast(f);
            while (history.size() > HISTORY) {
                history.removeFirst();
            }
        }
    }

    /** The transfers of {@code collection} this peer runs (past their start), by shard id. */
    public List<Transfer> transfers(String collection) {
        return active.keySet().stream()
                .filter(t -> t.collection().equals(collection))
                .sorted(java.util.Comparator.comparingInt(Transfer::shardId))
                .toList();
    }

    /** Whether a transfer to some replica is running on this peer. */
    public boolean transferring() {
        return !running.isEmpty();
    }

    /**
     * Streams the primary's replica to the replica on {@code peer} and makes it Active.
     *
     * @return whether the replica ended Active
     */
    boolean transfer(ReplicaSet rs, long peer) {
        String what = "shard " + rs.layout().shardId() + " of collection "
                + rs.layout().collection() + " to peer " + Long.toUnsignedString(peer);
        Transfer transfer = null;
        long started = System.nanoTime();
        long sent = 0;
        String fallback = null;
        try {
            if (!answers(rs, peer)) {
                return false;
            }
            ShardTransfer recorded = recorded(rs, peer);
            String asked = recorded.method();
            if (rs.state(peer) == ReplicaState.PARTIAL_SNAPSHOT) {
                // a snapshot transfer that stopped (its primary restarted or changed): start it again
                rs.states().change(peer, ReplicaState.PARTIAL_SNAPSHOT, ReplicaState.DEAD);
            }
            if ("snapshot".equals(asked)) {
                return snapshotTransfer(rs, peer, what, recorded, started, null);
            }
            ReplicaSet.DeltaStart delta = asked.equals("wal_delta")
                    ? rs.beginDelta(peer, recoveryPoint(rs, peer))
                    : new ReplicaSet.DeltaStart(null, 0, "asked for " + asked);
            if (delta == null) {
                return false;
            }
            if (delta.sent() != null) {
                transfer = new Transfer(
                        rs.layout().collection(),
                        rs.layout().shardId(),
                        rs.layout().self(),
                        peer,
                        "wal_delta");
                active.put(transfer, Boolean.TRUE);
                LOG.info("Transfer (wal_delta) of {} started: {} missed writes", what, delta.operations());
                sent = delta.operations();
                await(delta.sent());
                boolean ok = !closed && rs.states().change(peer, ReplicaState.PARTIAL, ReplicaState.ACTIVE);
                LOG.info(
                        "Transfer (wal_delta) of {} {} after {} writes",
                        what,
                        ok ? "finished" : "ended without activation",
                        sent);
                remember(transfer, sent, started, ok, null);
                if (ok) {
                    finish(rs, recorded);
                }
                return ok;
            }
            if (asked.equals("wal_delta")) { // no delta: the default method, recorded before it runs
                String instead = settings.fallbackMethod();
                recorded = recorded.withMethod(instead);
                log.start(rs.layout().collection(), recorded);
                if (instead.equals("snapshot")) {
                    LOG.info("No wal_delta for {} ({}): snapshot transfer", what, delta.fallback());
                    return snapshotTransfer(rs, peer, what, recorded, started, delta.fallback());
                }
            }
            fallback = delta.fallback();
            LOG.info("No wal_delta for {} ({}): streaming records", what, fallback);
            CompletableFuture<Void> cleared = rs.beginFill(peer);
            if (cleared == null) {
                return false;
            }
            LOG.info("Transfer (stream_records) of {} started", what);
            transfer = new Transfer(
                    rs.layout().collection(), rs.layout().shardId(), rs.layout().self(), peer, "stream_records");
            active.put(transfer, Boolean.TRUE);
            await(cleared);
            TransferPace pace = TransferPace.of(settings.pointsPerSecond());
            PointId offset = null;
            while (!closed) {
                ReplicaSet.Batch batch = sendWithRetry(rs, peer, offset);
                if (batch == null) {
                    LOG.info(
                            "Transfer of {} stopped: this peer is no longer its primary or the replica left Partial",
                            what);
                    remember(transfer, sent, started, false, fallback);
                    return false;
                }
                sent += batch.points();
                if (batch.next() == null) {
                    break;
                }
                offset = batch.next();
                pace.sent(sent);
            }
            if (closed) {
                return false;
            }
            boolean active = rs.states().change(peer, ReplicaState.PARTIAL, ReplicaState.ACTIVE);
            LOG.info("Transfer of {} {} after {} points", what, active ? "finished" : "ended without activation", sent);
            remember(transfer, sent, started, active, fallback);
            if (active) {
                finish(rs, recorded);
            }
            return active;
        } catch (RuntimeException e) {
            LOG.warn("Transfer of {} failed: {}", what, e.getMessage());
            if (transfer != null) {
                remember(transfer, sent, started, false, fallback);
            }
            try {
                rs.states().change(peer, ReplicaState.PARTIAL, ReplicaState.DEAD);
            } catch (RuntimeException again) {
                LOG.debug("Marking {} Dead after a failed transfer failed too: {}", what, again.getMessage());
            }
            return false;
        } finally {
            if (transfer != null) {
                active.remove(transfer);
            }
        }
    }

    /**
     * A {@code snapshot} transfer to the replica on {@code peer}, listed while it runs and remembered
     * when it ends ({@code fallback}: why {@code wal_delta} was not possible, or null when the
     * snapshot was asked); records the end of {@code recorded} once the replica is Active.
     */
    private boolean snapshotTransfer(
            ReplicaSet rs, long peer, String what, ShardTransfer recorded, long started, String fallback) {
        Transfer t = new Transfer(
                rs.layout().collection(), rs.layout().shardId(), rs.layout().self(), peer, "snapshot");
        active.put(t, Boolean.TRUE);
        try {
            SnapshotResult r = snapshot(rs, peer, what);
            remember(t, r.points(), started, r.activated(), r.fallback() == null ? fallback : r.fallback());
            if (r.activated()) {
                finish(rs, recorded);
            }
            return r.activated();
        } catch (RuntimeException e) {
            remember(t, 0, started, false, fallback);
            throw e;
        } finally {
            active.remove(t);
        }
    }

    /**
     * The transfer the metadata log records for the replica on {@code peer}, recorded first when
     * there is none (an automatic repair: method {@code wal_delta}, or what an older {@code
     * add_replica}/{@code restart_transfer} entry asked), when it names no method, or when it names
     * another peer as its source and is no move (this primary took it over). Its method is what this
     * transfer uses, so a primary that restarted or took over resumes it as it was asked.
     */
    private ShardTransfer recorded(ReplicaSet rs, long peer) {
        String collection = rs.layout().collection();
        String legacy = rs.states().takeRequestedMethod(peer); // entries written before transfers were logged
        ShardTransfer t = log.find(collection, rs.layout().shardId(), peer);
        long self = rs.layout().self();
        if (t != null && t.method() != null && (t.move() || t.from() == self)) {
            return t;
        }
        String method = t != null && t.method() != null ? t.method() : legacy != null ? legacy : "wal_delta";
        ShardTransfer start = t != null && t.move()
                ? t.withMethod(method) // a move's source is the replica its end drops: it stays
                : new ShardTransfer(rs.layout().shardId(), self, peer, method, true, false);
        log.start(collection, start);
        return start;
    }

    /**
     * Records the end of {@code t}, whose target is Active now (a move's source is dropped by that
     * entry). A failure is logged only: the next round finds the transfer with its target Active and
     * records the end then.
     */
    private void finish(ReplicaSet rs, ShardTransfer t) {
        try {
            log.finish(rs.layout().collection(), t);
        } catch (RuntimeException e) {
            LOG.warn(
                    "Recording the end of the transfer of shard {} of collection {} failed (retried next round): {}",
                    rs.layout().shardId(),
                    rs.layout().collection(),
                    e.getMessage());
        }
    }

    /**
     * How a {@code snapshot} transfer ended.
     *
     * @param points the installed replica's point count
     * @param activated whether the replica ended Active
     * @param fallback why the writes after the capture could not be sent by delta (null when they were)
     */
    private record SnapshotResult(long points, boolean activated, String fallback) {}

    /**
     * A {@code snapshot} transfer ({@link ReplicaSet#beginSnapshot}): the primary's files captured at
     * tick T, shipped in chunks and installed as the replica, then the writes after T sent as a
     * {@code wal_delta} ahead of every later write, then Active. When that delta is no longer
     * possible (the history dropped writes after T meanwhile) the replica stays Partial and the next
     * round streams it.
     */
    private SnapshotResult snapshot(ReplicaSet rs, long peer, String what) {
        java.nio.file.Path scratch;
        try {
            scratch = java.nio.file.Files.createTempDirectory("sextant-snapshot-transfer");
        } catch (java.io.IOException e) {
            throw new ServiceException(
                    "Cannot create a scratch directory for a snapshot transfer: " + e.getMessage(), e);
        }
        try {
            ReplicaSet.SnapshotStart start =
                    rs.beginSnapshot(peer, scratch.resolve("shard"), settings.pointsPerSecond());
            if (start == null) {
                return new SnapshotResult(0, false, null);
            }
            LOG.info(
                    "Transfer (snapshot) of {} started: {} bytes of files up to {}", what, start.bytes(), start.upTo());
            long points = awaitLong(start.installed());
            ReplicaSet.DeltaStart delta = rs.beginDelta(
                    peer,
                    new RecoveryPoint(
                            start.upTo().incarnation(),
                            start.upTo().tick(),
                            start.upTo().tick()));
            if (delta == null) {
                return new SnapshotResult(points, false, null);
            }
            if (delta.sent() == null) {
                LOG.info("Transfer (snapshot) of {}: no delta after the install ({})", what, delta.fallback());
                return new SnapshotResult(points, false, delta.fallback());
            }
            await(delta.sent());
            boolean ok = !closed && rs.states().change(peer, ReplicaState.PARTIAL, ReplicaState.ACTIVE);
            LOG.info(
                    "Transfer (snapshot) of {} {}: {} points installed, {} writes after the capture",
                    what,
                    ok ? "finished" : "ended without activation",
                    points,
                    delta.operations());
            return new SnapshotResult(points, ok, null);
        } finally {
            io.sextant.collection.AtomicFiles.deleteTree(scratch);
        }
    }

    private static long awaitLong(CompletableFuture<Long> f) {
        await(f.thenAccept(v -> {}));
        return f.join();
    }

    /** Whether the replica's peer answers a count of its replica (it is up and has the collection). */
    private static boolean answers(ReplicaSet rs, long peer) {
        Shard replica = rs.remoteReplica(peer);
        if (replica == null) {
            return false;
        }
        try {
            replica.count(null, false);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The replica's recovery point; unknown when its peer cannot say (an older peer, an error). */
    private static RecoveryPoint recoveryPoint(ReplicaSet rs, long peer) {
        try {
            return rs.recoveryPoint(peer);
        } catch (RuntimeException e) {
            LOG.debug("No recovery point from peer {}: {}", Long.toUnsignedString(peer), e.getMessage());
            return RecoveryPoint.UNKNOWN;
        }
    }

    private ReplicaSet.Batch sendWithRetry(ReplicaSet rs, long peer, PointId offset) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < BATCH_ATTEMPTS; attempt++) {
            ReplicaSet.Batch batch = rs.sendBatch(peer, offset, settings.batchSize());
            if (batch == null) {
                return null;
            }
            try {
                await(batch.sent());
                return batch;
            } catch (RuntimeException e) {
                last = e;
                pause(200L * (attempt + 1));
            }
        }
        throw last;
    }

    private static void await(CompletableFuture<Void> f) {
        try {
            f.get(5, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r
                    ? r
                    : new ServiceException("Transfer batch failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new ServiceException("Transfer batch not applied within 5 minutes", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException("Interrupted during a shard transfer", e);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException("Interrupted during a shard transfer", e);
        }
    }

    /** Stops starting transfers; running ones stop after their current batch. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }
}
