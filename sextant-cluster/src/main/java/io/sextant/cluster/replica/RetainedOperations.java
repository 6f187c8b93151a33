package io.sextant.cluster.replica;

import io.sextant.cluster.shard.OperationTag;
import io.sextant.cluster.shard.RecoveryPoint;
import io.sextant.segment.ops.PointOperation;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The primary side of the {@code wal_delta} transfer: the suffix of the writes this peer ordered
 * as a shard's primary, numbered by {@link OperationTag}s, and, per replica, the tick at which this
 * peer last knew that replica complete. From a replica's {@link RecoveryPoint} it picks the writes
 * the replica missed ({@link #delta}), or says why it cannot (then the transfer falls back to
 * {@code stream_records}, as Qdrant falls back from a failed {@code wal_delta}).
 *
 * <p><b>Retention decision.</b> The suffix is kept in memory for sending and, when the replica set
 * gives a file, on disk in a history of its own ({@link RetainedHistoryFile}), not in the shard's
 * WAL: the WAL is truncated at every flush checkpoint and carries no tags. At most {@link
 * #DEFAULT_MAX_OPERATIONS} writes and {@link #DEFAULT_MAX_BYTES} of estimated size per shard are
 * kept (Qdrant keeps what its WAL retains, 32 MiB segments by default); older ones are dropped
 * first. The cost is heap: up to 8 MiB for every shard whose primary is this peer and that has
 * other replicas (the writes are already objects; the estimate is {@link OperationSize}'s), so 100
 * such shards under large batch writes could hold 800 MiB; single-point writes of the failover
 * bench (~0.4 KiB each) stay under the count limit, about 7 MiB. At the bench's rate (a few hundred
 * writes per second spread over six shards) 16384 writes cover minutes of downtime; a replica down
 * longer is repaired by {@code stream_records}. The history file holds at most about twice the
 * retained writes (it is compacted to the retained ones when it doubles).
 *
 * <p><b>Across restarts.</b> With a history file, the incarnation, the last tick, the retained
 * writes and the ticks at which replicas were known complete are replayed at open, so a primary that
 * restarts (cleanly or by kill -9) keeps its run, and a replica that was down meanwhile still gets a
 * {@code wal_delta}. <b>The crash rule</b>: a write is applied to the local replica first (its WAL
 * record fsynced when {@code update} returns), then recorded here, then queued for the replicas;
 * so the history never holds a write the local replica lacks, and no replica holds a tag the
 * history lacks unless the history lost a suffix (a power loss: appends are not fsynced). The
 * history also records the local WAL sequence number of every write this peer made, so at open
 * ({@link #open}) its last one must equal the local replica's last applied sequence number: when it
 * does not (a suffix lost, a write made without this class knowing, a replica replaced under the
 * file) or the file is unreadable, the history is discarded and the next write starts a new
 * incarnation, and a delta asked before then is refused with that reason. So after any crash the
 * history either describes exactly the writes the primary applied, in its order, or is not used.
 *
 * <p><b>When a delta is safe.</b> The replica's point says it applied, in order, every write of
 * incarnation {@code i} from {@code first} to {@code last}. The delta (writes {@code last+1} to the
 * newest) is sent only when {@code i} is this primary's current incarnation, {@code last} is not
 * ahead of the newest write, the writes after {@code last} are all still retained, and the run
 * started no later than one past the tick at which this peer knew the replica complete ({@code
 * first <= complete + 1}): so the replica held everything up to that tick and every write since.
 * A replica is known complete at the first tick of an incarnation when it was Active as this peer
 * ordered that first write (an Active replica holds every acknowledged write; the check happens
 * under the write order lock, not when the replica set is built, since a replica may stop being
 * Active between the two), and at the current tick when a
 * {@code stream_records} transfer has sent it the last batch, provided it missed no forwarded write
 * since the stream began (a write missed before the batch holding its point was sent is covered by
 * neither); it is forgotten when a stream transfer to it starts or it leaves the placement. A write
 * missed outside a stream needs no such rule: the replica's run stops before it, so the delta
 * starts at or before it.
 *
 * <p><b>Across a primary change</b> (the rule is in the package-info, "wal_delta across a primary
 * change"): when an incarnation starts, {@link #baseFrom} says where the local replica stood in the
 * previous primary's run (its replica clock's point, when the clock's last write is the replica's
 * last one before this incarnation's first); that base is kept ({@code BASE} record). A returning
 * replica whose point is the run it ordered itself ({@link #orderedRun}) of the base's incarnation
 * gets every write of the current incarnation when it vouches for this peer, ends where this peer's
 * base ends, and this incarnation is still wholly retained.
 *
 * <p><b>New incarnation.</b> The incarnation is drawn at the first write this peer orders and
 * drawn again, with the suffix cleared, when the local replica's WAL sequence numbers show a write this peer did not
 * order itself ({@link #append} sees a gap): another peer was primary meanwhile, so the suffix has
 * a hole and replicas may have writes it lacks.
 *
 * <p>Thread-safe (every method synchronized; {@link ReplicaSet} calls it under its write order lock).
 */
final class RetainedOperations {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RetainedOperations.class);
    static final int DEFAULT_MAX_OPERATIONS = 16_384;
    static final long DEFAULT_MAX_BYTES = 8L << 20;

    /** A retained write and the local replica's WAL sequence number of it. */
    record Entry(long tick, long localSeq, PointOperation operation, long bytes) {}

    /**
     * The writes a replica missed, or why there are none to send.
     *
     * @param operations the writes to send, in order, with their ticks (empty: the replica is up
     *     to date); null when a delta is impossible
     * @param incarnation the incarnation their tags belong to
     * @param reason why a delta is impossible (null when it is possible)
     */
    record Delta(List<Entry> operations, long incarnation, String reason) {
        boolean possible() {
            return operations != null;
        }

        static Delta impossible(String reason) {
            return new Delta(null, 0, reason);
        }
    }

    private final int maxOperations;
    private final long maxBytes;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final Map<Long, Long> completeAt = new HashMap<>();
    /** Replicas that missed a write since their stream transfer began: not complete at its end. */
    private final java.util.Set<Long> missedSinceFill = new java.util.HashSet<>();

    private long incarnation;
    private long lastTick;
    private long bytes;
    private long lastLocalSeq = -1;
    private boolean started;
    /** The on-disk history, null when kept in memory only. */
    private final RetainedHistoryFile history;
    /** Why the history read at open was not used (null when it was, or there was none). */
    private String discarded;
    /** Compact the history file once it grows past this many bytes. */
    private long compactAt = MIN_COMPACT_BYTES;
    /** The first tick of the current incarnation (0 before the first one). */
    private long firstTick;
    /** The local replica's position in the previous primary's run when this incarnation began. */
    private RecoveryPoint base = RecoveryPoint.UNKNOWN;
    /**
     * The local replica's point in the previous primary's run, given the local WAL sequence number
     * of the last write before the new incarnation's first ({@link RecoveryPoint#UNKNOWN} when not
     * provable).
     */
    private java.util.function.LongFunction<RecoveryPoint> baseOf = seq -> RecoveryPoint.UNKNOWN;

    static final long MIN_COMPACT_BYTES = 1L << 20;

    RetainedOperations(int maxOperations, long maxBytes) {
        this(maxOperations, maxBytes, null);
    }

    private RetainedOperations(int maxOperations, long maxBytes, RetainedHistoryFile history) {
        if (maxOperations < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("retention must be >= 0");
        }
        this.maxOperations = maxOperations;
        this.maxBytes = maxBytes;
        this.history = history;
    }

    /**
     * The retained writes kept in {@code file} (replayed from it when it exists), for a primary
     * whose local replica's last applied WAL sequence number is {@code localLastSeq}: when the
     * history does not end there, or the file is unreadable, it is discarded (see "Across restarts").
     */
    static RetainedOperations open(Path file, int maxOperations, long maxBytes, long localLastSeq) {
        List<RetainedHistoryFile.Record> records = new ArrayList<>();
        String[] problem = new String[1];
        RetainedHistoryFile h = RetainedHistoryFile.open(file, records, problem);
        RetainedOperations ops = new RetainedOperations(maxOperations, maxBytes, h);
        records.forEach(ops::replay);
        String why = problem[0];
        if (why == null && ops.started && ops.lastLocalSeq != localLastSeq) {
            why = "the retained history ends at local write " + ops.lastLocalSeq
                    + " but the local replica's last write is " + localLastSeq;
        }
        if (why != null) {
            LOG.warn("{}: discarding it; the next write starts a new incarnation", why);
            ops.discarded = why;
            ops.clearState();
            h.rewrite(List.of());
        } else if (ops.started) {
            LOG.info(
                    "Retained history {}: incarnation {}, tick {}, {} writes kept",
                    file,
                    Long.toHexString(ops.incarnation),
                    ops.lastTick,
                    ops.entries.size());
            ops.compactAt = Math.max(MIN_COMPACT_BYTES, 2 * h.size());
        }
        return ops;
    }

    private void clearState() {
        started = false;
        incarnation = 0;
        lastTick = 0;
        lastLocalSeq = -1;
        entries.clear();
        bytes = 0;
        completeAt.clear();
        missedSinceFill.clear();
        firstTick = 0;
        base = RecoveryPoint.UNKNOWN;
    }

    /** Applies one record of the history read at open. */
    private void replay(RetainedHistoryFile.Record r) {
        switch (r) {
            case RetainedHistoryFile.State s -> {
                started = true;
                incarnation = s.incarnation();
                lastTick = s.lastTick();
                lastLocalSeq = s.lastLocalSeq();
                entries.clear();
                bytes = 0;
                completeAt.clear();
                completeAt.putAll(s.completeAt());
                missedSinceFill.clear();
                missedSinceFill.addAll(s.missed());
                firstTick = 0; // unknown until its BASE record (a version-1 file has none)
                base = RecoveryPoint.UNKNOWN;
            }
            case RetainedHistoryFile.Base b -> {
                firstTick = b.firstTick();
                base = b.base();
            }
            case RetainedHistoryFile.Write w -> {
                keep(w.tick(), w.localSeq(), w.operation());
                lastTick = w.tick();
                lastLocalSeq = w.localSeq();
            }
            case RetainedHistoryFile.Local l -> lastLocalSeq = l.localSeq();
            case RetainedHistoryFile.Complete c -> completeAt.put(c.peer(), c.tick());
            case RetainedHistoryFile.Forget f -> {
                completeAt.remove(f.peer());
                missedSinceFill.remove(f.peer());
            }
            case RetainedHistoryFile.Missed m -> missedSinceFill.add(m.peer());
        }
    }

    /** Records {@code r} in the history file (if any), compacting it when it doubled. */
    private void log(RetainedHistoryFile.Record r) {
        if (history == null) {
            return;
        }
        history.append(r);
        if (history.size() > compactAt) {
            List<RetainedHistoryFile.Record> now = new ArrayList<>(entries.size() + 2);
            long baseTick = entries.isEmpty() ? lastTick : entries.getFirst().tick() - 1;
            now.add(new RetainedHistoryFile.State(
                    incarnation,
                    baseTick,
                    lastLocalSeq,
                    Map.copyOf(completeAt),
                    java.util.Set.copyOf(missedSinceFill)));
            now.add(new RetainedHistoryFile.Base(firstTick, base));
            for (Entry e : entries) {
                now.add(new RetainedHistoryFile.Write(e.tick(), e.localSeq(), e.operation()));
            }
            now.add(new RetainedHistoryFile.Local(lastLocalSeq));
            history.rewrite(now);
            compactAt = Math.max(MIN_COMPACT_BYTES, 2 * history.size());
        }
    }

    private void restart(Collection<Long> activePeers, long localSeq) {
        started = true;
        long next;
        do {
            next = ThreadLocalRandom.current().nextLong();
        } while (next == 0 || next == incarnation);
        incarnation = next;
        entries.clear();
        bytes = 0;
        completeAt.clear();
        missedSinceFill.clear();
        for (long p : activePeers) {
            completeAt.put(p, lastTick);
        }
        firstTick = lastTick + 1;
        base = baseOf.apply(localSeq - 1);
        log(new RetainedHistoryFile.State(incarnation, lastTick, localSeq, Map.copyOf(completeAt), java.util.Set.of()));
        log(new RetainedHistoryFile.Base(firstTick, base));
    }

    /**
     * Where the local replica's position in the previous primary's run comes from when a new
     * incarnation starts: {@code baseOf} gets the local WAL sequence number of the last write before
     * the incarnation's first (the replica set: its replica clock's point if that clock's last
     * tagged write was exactly that write).
     */
    synchronized void baseFrom(java.util.function.LongFunction<RecoveryPoint> baseOf) {
        this.baseOf = baseOf;
    }

    /**
     * The run this peer ordered, as a {@link RecoveryPoint} with the ticks at which it knew the
     * other replicas complete, when it still describes the local replica exactly (the history's last
     * local write is {@code localLastSeq}, the replica's last); null otherwise (no run yet, another
     * peer's write since, a discarded history).
     */
    synchronized RecoveryPoint orderedRun(long localLastSeq) {
        if (!started || incarnation == 0 || lastTick < 1 || localLastSeq < 0 || lastLocalSeq != localLastSeq) {
            return null;
        }
        // a replica known complete at tick c held every write up to c, whatever it missed later
        // (a miss breaks its own run of ticks, which the new primary checks)
        return completeAt.isEmpty() ? null : new RecoveryPoint(incarnation, 1, lastTick, completeAt);
    }

    private void keep(long tick, long localSeq, PointOperation operation) {
        long size = OperationSize.estimate(operation);
        entries.addLast(new Entry(tick, localSeq, operation, size));
        bytes += size;
        while (!entries.isEmpty() && (entries.size() > maxOperations || bytes > maxBytes)) {
            bytes -= entries.removeFirst().bytes();
        }
    }

    /**
     * Whether the current incarnation still describes the local replica, whose last WAL write is
     * {@code localLastSeq}: one has started and no write came since that this peer did not order.
     */
    synchronized boolean current(long localLastSeq) {
        return started && lastLocalSeq == localLastSeq;
    }

    /** The current incarnation (0 before the first write). */
    synchronized long incarnation() {
        return incarnation;
    }

    /**
     * Numbers and keeps a write this peer just applied as the primary.
     *
     * @param localSeq the local replica's WAL sequence number of the write
     * @param activePeers the other Active replicas (read only when a new incarnation starts)
     * @return the write's tag
     */
    synchronized OperationTag append(PointOperation operation, long localSeq, Supplier<Collection<Long>> activePeers) {
        noteLocal(localSeq, activePeers);
        long tick = lastTick + 1;
        log(new RetainedHistoryFile.Write(tick, localSeq, operation)); // before the forward leaves
        lastTick = tick;
        keep(tick, localSeq, operation);
        return new OperationTag(incarnation, tick);
    }

    /**
     * Notes a write this peer made to its local replica without ordering it for the others (the
     * visibility barrier of a transfer batch), so the next {@link #append} sees no gap.
     */
    synchronized void localWrite(long localSeq, Supplier<Collection<Long>> activePeers) {
        if (!noteLocal(localSeq, activePeers)) {
            log(new RetainedHistoryFile.Local(localSeq));
        }
    }

    /** Notes the local write {@code localSeq}; true when it started a new incarnation. */
    private boolean noteLocal(long localSeq, Supplier<Collection<Long>> activePeers) {
        boolean restarted = false;
        if (!started || localSeq != lastLocalSeq + 1) {
            // the first write this peer orders, or someone else wrote to the local replica (another
            // primary): a new run, in which the replicas Active right now are complete
            restart(activePeers.get(), localSeq);
            restarted = true;
        }
        lastLocalSeq = localSeq;
        return restarted;
    }

    /**
     * The replica on {@code peer} now holds every write up to the newest (a stream transfer's end),
     * unless it missed a write since the stream began ({@link #missed}): a write it failed before a
     * batch that covered the point was already sent would be in neither.
     */
    synchronized void complete(long peer) {
        if (!missedSinceFill.contains(peer)) {
            log(new RetainedHistoryFile.Complete(peer, lastTick));
            completeAt.put(peer, lastTick);
        }
    }

    /** The replica on {@code peer} failed to apply a forwarded write. */
    synchronized void missed(long peer) {
        if (!missedSinceFill.contains(peer)) {
            log(new RetainedHistoryFile.Missed(peer));
            missedSinceFill.add(peer);
        }
    }

    /**
     * The replica on {@code peer} is no longer known complete: a stream transfer starts (emptying it)
     * or it left the placement.
     */
    synchronized void forget(long peer) {
        if (completeAt.containsKey(peer) || missedSinceFill.contains(peer)) {
            log(new RetainedHistoryFile.Forget(peer));
        }
        completeAt.remove(peer);
        missedSinceFill.remove(peer);
    }

    /** The local replica was dropped: forgets everything and deletes the history file. */
    synchronized void discard() {
        clearState();
        if (history != null) {
            history.delete();
        }
    }

    /**
     * The local replica was replaced by data this history does not describe (a snapshot recovered
     * as the shard's source of truth, {@link SnapshotRecoveryInstall}): forgets the writes, the
     * incarnation and every replica known complete, and empties the history file, so no {@code
     * wal_delta} is computed against the old data; the next write starts a new incarnation.
     */
    synchronized void reset() {
        clearState();
        if (history != null) {
            history.rewrite(List.of());
        }
    }

    /** Closes the history file (the shard closes). */
    synchronized void close() {
        if (history != null) {
            history.close();
        }
    }

    /** The writes the replica on {@code peer}, at {@code point}, misses (see the class comment). */
    synchronized Delta delta(long peer, RecoveryPoint point) {
        return delta(peer, point, 0);
    }

    /**
     * The writes the replica on {@code peer}, at {@code point}, misses, this peer being {@code self}
     * (see the class comment; across a primary change, the package-info's rule).
     */
    synchronized Delta delta(long peer, RecoveryPoint point, long self) {
        if (!point.known()) {
            return Delta.impossible("the replica's recovery point is unknown");
        }
        if (started
                && base.known()
                && point.incarnation() == base.incarnation()
                && point.incarnation() != incarnation) {
            return acrossPrimaryChange(peer, point, self);
        }
        if (point.incarnation() != incarnation) {
            return Delta.impossible("the replica's writes come from another primary or an earlier process"
                    + (discarded == null ? "" : " (history discarded at start: " + discarded + ")"));
        }
        Long complete = completeAt.get(peer);
        if (complete == null) {
            return Delta.impossible("the replica was never known complete by this primary");
        }
        if (point.first() > complete + 1) {
            return Delta.impossible("the replica's run of writes starts after tick " + (complete + 1)
                    + ", when it was last known complete");
        }
        if (point.last() > lastTick) {
            return Delta.impossible("the replica is ahead of this primary");
        }
        long oldest = entries.isEmpty() ? lastTick + 1 : entries.getFirst().tick();
        if (point.last() + 1 < oldest) {
            return Delta.impossible(
                    "the writes after tick " + point.last() + " are no longer retained (oldest " + oldest + ")");
        }
        List<Entry> missing = new ArrayList<>();
        for (Entry e : entries) {
            if (e.tick() > point.last()) {
                missing.add(e);
            }
        }
        return new Delta(missing, incarnation, null);
    }

    /**
     * The delta for a replica whose point is in the previous primary's run, the one this
     * incarnation's base is in (the package-info's rule, step 3): all of this incarnation's writes,
     * or why not.
     */
    private Delta acrossPrimaryChange(long peer, RecoveryPoint point, long self) {
        String run =
                "the replica's writes come from the previous primary's run " + Long.toHexString(base.incarnation());
        Long vouched = point.knownComplete().get(self);
        if (vouched == null) {
            return Delta.impossible(run + ", and it cannot say when this peer was last complete in it"
                    + (point.knownComplete().isEmpty() ? " (it did not order that run)" : ""));
        }
        if (base.first() > vouched + 1) {
            return Delta.impossible(run + ": this peer's writes of it begin at tick " + base.first() + ", after tick "
                    + (vouched + 1) + " when that primary last knew it complete");
        }
        if (point.last() > base.last()) {
            return Delta.impossible(run + ": the replica holds " + (point.last() - base.last())
                    + " writes of it (ticks " + (base.last() + 1) + ".." + point.last()
                    + ") this primary never applied; they were never acknowledged, and a delta cannot remove them");
        }
        if (point.last() < base.last()) {
            return Delta.impossible(run + ": the replica stops at tick " + point.last() + ", before tick " + base.last()
                    + " where this primary's run began; the writes between are not retained here");
        }
        long oldest = entries.isEmpty() ? lastTick + 1 : entries.getFirst().tick();
        if (firstTick < 1 || oldest > firstTick) {
            return Delta.impossible(run + ": this primary's writes since it took over are no longer all retained"
                    + " (oldest " + oldest + ", first " + firstTick + ")");
        }
        // the replica equals this peer's replica at the start of this incarnation: complete there
        if (missedSinceFill.remove(peer)) {
            log(new RetainedHistoryFile.Forget(peer));
        }
        log(new RetainedHistoryFile.Complete(peer, firstTick - 1));
        completeAt.put(peer, firstTick - 1);
        return new Delta(List.copyOf(entries), incarnation, null);
    }

    /** The tick of the newest write (0 before the first of this incarnation). */
    synchronized long lastTick() {
        return lastTick;
    }

    /**
     * The replica on {@code peer} holds every write up to the newest one now: it is being given a
     * capture of the local replica taken at this instant (a {@code snapshot} transfer).
     */
    synchronized void completeNow(long peer) {
        log(new RetainedHistoryFile.Forget(peer));
        missedSinceFill.remove(peer);
        log(new RetainedHistoryFile.Complete(peer, lastTick));
        completeAt.put(peer, lastTick);
    }

    /** How many writes are retained (tests, telemetry). */
    synchronized int size() {
        return entries.size();
    }
}
