package io.sextant.cluster.replica;

import io.sextant.cluster.shard.OperationTag;
import io.sextant.cluster.shard.RecoveryPoint;
import io.sextant.segment.ops.PointOperation;
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
 * <p><b>Retention decision.</b> The suffix is kept in memory, not in the shard's WAL: the WAL is
 * truncated at every flush checkpoint and carries no tags. At most {@link #DEFAULT_MAX_OPERATIONS}
 * writes and {@link #DEFAULT_MAX_BYTES} of estimated size per shard are kept (Qdrant keeps what its
 * WAL retains, 32 MiB segments by default); older ones are dropped first. The cost is heap: up
 * to 8 MiB for every shard whose primary is this peer and that has other replicas (the writes are
 * already objects; the estimate is {@link OperationSize}'s), so 100 such shards under large batch
 * writes could hold 800 MiB; single-point writes of the failover bench (~0.4 KiB each) stay under
 * the count limit, about 7 MiB. At the bench's rate (a few hundred writes per second spread over
 * six shards) 16384 writes cover minutes of downtime; a replica down longer, or behind a primary
 * that restarted (the suffix is lost with the process), is repaired by {@code stream_records}.
 * Moving the suffix to disk (a tagged WAL kept past checkpoints, as Qdrant does) would lift both
 * limits.
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
 * <p><b>New incarnation.</b> The incarnation is drawn at the first write this peer orders and
 * drawn again, with the suffix cleared, when the local replica's WAL sequence numbers show a write this peer did not
 * order itself ({@link #append} sees a gap): another peer was primary meanwhile, so the suffix has
 * a hole and replicas may have writes it lacks.
 *
 * <p>Thread-safe (every method synchronized; {@link ReplicaSet} calls it under its write order lock).
 */
final class RetainedOperations {
    static final int DEFAULT_MAX_OPERATIONS = 16_384;
    static final long DEFAULT_MAX_BYTES = 8L << 20;

    /** A retained write. */
    record Entry(long tick, PointOperation operation, long bytes) {}

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

    RetainedOperations(int maxOperations, long maxBytes) {
        if (maxOperations < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("retention must be >= 0");
        }
        this.maxOperations = maxOperations;
        this.maxBytes = maxBytes;
    }

    private void restart(Collection<Long> activePeers) {
        started = true;
        long next;
        do {
            next = ThreadLocalRandom.current().nextLong();
        } while (next == 0 || next == incarnation);
        incarnation = next;
        entries.clear();
        bytes = 0;
        completeAt.clear();
        for (long p : activePeers) {
            completeAt.put(p, lastTick);
        }
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
        long tick = ++lastTick;
        long size = OperationSize.estimate(operation);
        entries.addLast(new Entry(tick, operation, size));
        bytes += size;
        while (!entries.isEmpty() && (entries.size() > maxOperations || bytes > maxBytes)) {
            bytes -= entries.removeFirst().bytes();
        }
        return new OperationTag(incarnation, tick);
    }

    /**
     * Notes a write this peer made to its local replica without ordering it for the others (the
     * visibility barrier of a transfer batch), so the next {@link #append} sees no gap.
     */
    synchronized void localWrite(long localSeq, Supplier<Collection<Long>> activePeers) {
        noteLocal(localSeq, activePeers);
    }

    private void noteLocal(long localSeq, Supplier<Collection<Long>> activePeers) {
        if (!started || localSeq != lastLocalSeq + 1) {
            // the first write this peer orders, or someone else wrote to the local replica (another
            // primary): a new run, in which the replicas Active right now are complete
            restart(activePeers.get());
        }
        lastLocalSeq = localSeq;
    }

    /**
     * The replica on {@code peer} now holds every write up to the newest (a stream transfer's end),
     * unless it missed a write since the stream began ({@link #missed}): a write it failed before a
     * batch that covered the point was already sent would be in neither.
     */
    synchronized void complete(long peer) {
        if (!missedSinceFill.contains(peer)) {
            completeAt.put(peer, lastTick);
        }
    }

    /** The replica on {@code peer} failed to apply a forwarded write. */
    synchronized void missed(long peer) {
        missedSinceFill.add(peer);
    }

    /**
     * The replica on {@code peer} is no longer known complete: a stream transfer starts (emptying it)
     * or it left the placement.
     */
    synchronized void forget(long peer) {
        completeAt.remove(peer);
        missedSinceFill.remove(peer);
    }

    /** The writes the replica on {@code peer}, at {@code point}, misses (see the class comment). */
    synchronized Delta delta(long peer, RecoveryPoint point) {
        if (!point.known()) {
            return Delta.impossible("the replica's recovery point is unknown");
        }
        if (point.incarnation() != incarnation) {
            return Delta.impossible("the replica's writes come from another primary or an earlier process");
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

    /** How many writes are retained (tests, telemetry). */
    synchronized int size() {
        return entries.size();
    }
}
