package io.sextant.cluster.replica;

import io.sextant.cluster.ReplicaState;
import io.sextant.cluster.shard.OperationTag;
import io.sextant.cluster.shard.RecoveryPoint;
import io.sextant.segment.PointId;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.ScrollPage;
import io.sextant.shard.ScrollRequest;
import io.sextant.shard.UpdateResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The starts of a replica set's shard transfers, each under the primary's write-order lock of its
 * {@link ReplicaSet} (taken here from the set: the start must sit at one point of the order the
 * set's writes follow): {@code stream_records} (the fill and each batch), {@code wal_delta} (the
 * missed writes queued as tagged batches) and {@code snapshot} (the capture and its queued
 * shipping). Split out of {@link ReplicaSet} to keep it within the size rule; it reads the set's
 * package-private state and owns none. Thread-safe as the set is.
 */
final class ReplicaTransferStarts {

    private final ReplicaSet set;

    ReplicaTransferStarts(ReplicaSet set) {
        this.set = set;
    }

    /**
     * Starts filling the replica on {@code peer} from this peer, the primary: makes it Partial
     * through the metadata group (from Dead; a Partial replica stays Partial, e.g. after an
     * interrupted transfer) so it receives every following write, and sends it, in the write order,
     * a delete of all its points, so that it then holds exactly the writes that follow plus what the
     * transfer streams. Both happen under the write order lock, so no write falls between them.
     *
     * @return the clear's completion, or null when the replica is neither Dead nor Partial or this
     *     peer is not the primary (nothing was done)
     * @throws ServiceException when the state change could not be committed
     */
    CompletableFuture<Void> beginFill(long peer) {
        synchronized (set.primaryOrder) {
            if (!set.primaryHere() || peer == set.layout().self() || !set.forwarding.has(peer)) {
                return null;
            }
            if (!toPartial(peer)) {
                return null;
            }
            set.retained.forget(peer); // emptied: no longer complete until the stream's last batch
            return set.forwarding.sendInOrder(
                    peer, new PointOperation.Delete(new PointsSelector.ByFilter(Filter.ALL)), null);
        }
    }

    /**
     * Starts catching up the replica on {@code peer}, which reported {@code point}, by sending only
     * the writes it missed ({@code wal_delta}; see {@link RetainedOperations} for when that is
     * possible). Under the write order lock: when a delta exists, the replica becomes Partial
     * through the metadata group (from Dead) and the missed writes are queued, tagged, ahead of
     * every later write, so it receives an unbroken run.
     *
     * @return null when this peer is not the primary or the replica is neither Dead nor Partial
     *     (nothing was done); a start without {@code sent} when no delta is possible
     */
    ReplicaSet.DeltaStart beginDelta(long peer, RecoveryPoint point) {
        io.sextant.shard.Shard mine = set.localReplica();
        if (point.known()
                && mine != null
                && mine.lastOperationId() >= 0
                && !set.retained.current(mine.lastOperationId())) {
            // this peer has ordered nothing since its replica last took another primary's writes:
            // an empty write starts its incarnation (and records its base), as any first write would
            set.writeAsPrimary(new PointOperation.Delete(new PointsSelector.Ids(List.of())), true, -1);
        }
        synchronized (set.primaryOrder) {
            if (!set.primaryHere() || peer == set.layout().self() || !set.forwarding.has(peer)) {
                return null;
            }
            RetainedOperations.Delta delta =
                    set.retained.delta(peer, point, set.layout().self());
            if (!delta.possible()) {
                return new ReplicaSet.DeltaStart(null, 0, delta.reason());
            }
            if (!toPartial(peer)) {
                return null;
            }
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (List<RetainedOperations.Entry> batch : DeltaBatches.split(delta.operations(), set.deltaBatchWrites)) {
                sent.add(sendBatchInOrder(peer, batch, delta.incarnation()));
            }
            return new ReplicaSet.DeltaStart(
                    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)),
                    delta.operations().size(),
                    null);
        }
    }

    /**
     * One batch of a transfer: up to {@code limit} points of the local replica from {@code offset}
     * (ids, every vector, payload), read and queued for {@code peer} as a plain upsert under the
     * write order lock. The read happens after every write acknowledged so far is visible locally (a
     * write barrier on the local replica), so the batch holds each point's state at one instant of
     * the write order, queued behind every earlier write and ahead of every later one: a later
     * delete or update reaches the replica after the batch and is never overwritten by it.
     *
     * @return null when this peer is no longer the primary or the replica no longer Partial
     */
    ReplicaSet.Batch sendBatch(long peer, PointId offset, int limit) {
        synchronized (set.primaryOrder) {
            if (!set.primaryHere() || set.states.state(peer) != ReplicaState.PARTIAL) {
                return null;
            }
            UpdateResult barrier = set.localReplica()
                    .update(new PointOperation.Delete(new PointsSelector.Ids(List.of())), true); // visibility
            set.retained.localWrite(barrier.operationId(), set::activeRemotePeers);
            ScrollPage page = set.localReplica()
                    .scroll(new ScrollRequest(null, limit, offset, null, PayloadSelector.ALL, VectorSelector.ALL));
            if (page.points().isEmpty()) {
                set.retained.complete(peer); // every earlier batch was applied: complete as of now
                return new ReplicaSet.Batch(0, null, CompletableFuture.completedFuture(null));
            }
            List<PointOperation.PointStruct> points =
                    new ArrayList<>(page.points().size());
            for (PointRecord r : page.points()) {
                points.add(new PointOperation.PointStruct(
                        r.id(),
                        r.vectors() == null ? Map.of() : r.vectors(),
                        r.sparseVectors() == null ? Map.of() : r.sparseVectors(),
                        r.payload()));
            }
            return new ReplicaSet.Batch(
                    points.size(),
                    page.nextOffset(),
                    set.forwarding.sendInOrder(peer, new PointOperation.Upsert(points), null));
        }
    }

    /**
     * Starts a {@code snapshot} transfer to the replica on {@code peer} (Dead or Partial): under the
     * write order lock, it becomes PartialSnapshot (it receives no forwards from now on), the local
     * replica's files are captured into {@code staging} at this instant of the write order (tick T
     * of the retained history, the replica recorded complete at T), and their shipping in chunks and
     * install are queued on the replica's ordered queue, behind every forward queued before. The
     * caller then sends the writes after T by {@link #beginDelta} with point (incarnation, T, T).
     *
     * @return null when this peer is not the primary or the replica is not Dead or Partial
     */
    ReplicaSet.SnapshotStart beginSnapshot(long peer, java.nio.file.Path staging, int pointsPerSecond) {
        if (set.retained.lastTick() == 0 && set.localReplica() != null) {
            // the run needs a first tick for the replica's point: an empty write, ordered as any other
            set.writeAsPrimary(new PointOperation.Delete(new PointsSelector.Ids(List.of())), true, -1);
        }
        synchronized (set.primaryOrder) {
            if (!set.primaryHere() || peer == set.layout().self() || !set.forwarding.has(peer)) {
                return null;
            }
            ReplicaState s = set.states.state(peer);
            if ((s != ReplicaState.DEAD && s != ReplicaState.PARTIAL)
                    || !set.states.change(peer, s, ReplicaState.PARTIAL_SNAPSHOT)) {
                return null;
            }
            UpdateResult barrier = set.localReplica()
                    .update(new PointOperation.Delete(new PointsSelector.Ids(List.of())), true); // visibility
            set.retained.localWrite(barrier.operationId(), set::activeRemotePeers);
            OperationTag upTo = new OperationTag(set.retained.incarnation(), Math.max(1, set.retained.lastTick()));
            set.retained.completeNow(peer);
            io.sextant.shard.snapshot.ShardFileCapture.CapturedShard captured =
                    set.localReplica().captureFiles(staging);
            CompletableFuture<Long> installed = new CompletableFuture<>();
            set.forwarding
                    .inOrder(
                            peer,
                            () -> installed.complete(
                                    SnapshotShipping.ship(set.remotes, peer, captured, upTo, pointsPerSecond)))
                    .whenComplete((v, e) -> {
                        if (e != null) {
                            installed.completeExceptionally(e);
                        }
                    });
            return new ReplicaSet.SnapshotStart(installed, upTo, captured.bytes());
        }
    }

    /** Queues consecutive retained writes for {@code peer} as one tagged batch (callers hold the order lock). */
    private CompletableFuture<Void> sendBatchInOrder(
            long peer, List<RetainedOperations.Entry> batch, long incarnation) {
        List<PointOperation> ops =
                batch.stream().map(RetainedOperations.Entry::operation).toList();
        OperationTag first = new OperationTag(incarnation, batch.getFirst().tick());
        return set.forwarding.inOrder(peer, () -> set.remotes.forwardTaggedBatch(peer, ops, true, first));
    }

    /**
     * Makes the replica on {@code peer} Partial through the metadata group when it is Dead or
     * PartialSnapshot (a Partial one stays); false when it is in another state or the change was
     * not committed. Caller holds the order lock.
     */
    private boolean toPartial(long peer) {
        ReplicaState s = set.states.state(peer);
        if ((s == ReplicaState.DEAD || s == ReplicaState.PARTIAL_SNAPSHOT)
                && !set.states.change(peer, s, ReplicaState.PARTIAL)) {
            return false;
        }
        return set.states.state(peer) == ReplicaState.PARTIAL;
    }
}
