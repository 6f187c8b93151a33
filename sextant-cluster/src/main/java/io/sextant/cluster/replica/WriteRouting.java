package io.sextant.cluster.replica;

import io.sextant.cluster.ReplicaState;
import io.sextant.cluster.shard.NotThePrimary;
import io.sextant.cluster.shard.ShardCallErrors;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.ops.PointOperation;
import io.sextant.shard.UpdateResult;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which replica of a {@link ReplicaSet} orders a write: the first in placement order that can be
 * the primary, this peer's own ({@link LocalPrimary}) or another peer's (through its forwarding
 * queue's primary call), moving on to the next Active replica when that one is lost, frozen or
 * unreachable (marking it Dead first, as the package-info explains), and routing once more when the
 * peer asked answers that its log names another primary ({@link NotThePrimary}: this log lags).
 * {@code ordering=strong} writes go to the first replica only. Thread-safe (all state is the
 * replica set's).
 */
final class WriteRouting {
    private static final Logger LOG = LoggerFactory.getLogger(WriteRouting.class);

    /** Orders a write as the shard's primary on this peer ({@link ReplicaSet#writeAsPrimary}). */
    @FunctionalInterface
    interface LocalPrimary {
        UpdateResult write(PointOperation operation, boolean wait, long waitMillis);
    }

    private final Supplier<ReplicaSet.Layout> layout;
    private final ReplicaStates states;
    private final PeerReplicas remotes;
    private final ReplicaForwarding forwarding;
    private final PrimaryRole role;
    private final LocalPrimary local;
    /** The replica set routed for, named in the log. */
    private final Object owner;

    WriteRouting(
            Supplier<ReplicaSet.Layout> layout,
            ReplicaStates states,
            PeerReplicas remotes,
            ReplicaForwarding forwarding,
            PrimaryRole role,
            LocalPrimary local,
            Object owner) {
        this.layout = layout;
        this.states = states;
        this.remotes = remotes;
        this.forwarding = forwarding;
        this.role = role;
        this.local = local;
        this.owner = owner;
    }

    /**
     * Sends the write to the shard's primary as this peer knows it; when that peer says its log
     * names another primary, routes it again once this peer's log has moved on (nothing was
     * applied).
     */
    UpdateResult route(PointOperation operation, boolean wait, long waitMillis) {
        long asked = role.named();
        try {
            return routeOnce(operation, wait, waitMillis);
        } catch (NotThePrimary e) {
            // a repair made an earlier replica Active again and this log lags (or moved on meanwhile)
            if (!role.awaitNamedOtherThan(asked)) {
                throw e;
            }
            LOG.info("{}; routing the write again, to peer {}", e.getMessage(), Long.toUnsignedString(role.named()));
            return routeOnce(operation, wait, waitMillis);
        }
    }

    /** Sends the write to the first replica in placement order that can order it. */
    private UpdateResult routeOnce(PointOperation operation, boolean wait, long waitMillis) {
        ReplicaSet.Layout l = layout.get();
        ServiceException last = null;
        for (long peer : l.peers()) {
            if (!states.state(peer).canBePrimary()) {
                continue;
            }
            if (peer == l.self()) {
                return local.write(operation, wait, waitMillis);
            }
            if (remotes.replica(peer) == null) {
                continue;
            }
            try {
                return forwarding.writeThroughPrimary(peer, operation, wait);
            } catch (ReplicaForwarding.PrimaryLost e) {
                // marked Dead while the write waited (the leader's PeerLiveness, or another peer):
                // the next Active replica orders it (see the package-info on why a retry is safe)
                LOG.warn("{}; sending the write to the next Active replica of {}", e.getMessage(), owner);
                last = e;
            } catch (ServiceException e) {
                if (ShardCallErrors.isDeadline(e)) {
                    // a frozen primary: Dead through consensus (so it refuses to order writes if it
                    // wakes up, and is recovered), then the next Active replica orders this write
                    LOG.warn(
                            "Primary {} of {} missed the call deadline; marking it Dead",
                            Long.toUnsignedString(peer),
                            owner);
                    states.markDead(peer);
                    last = e;
                    continue;
                }
                if (!ShardCallErrors.isUnreachable(e)) {
                    throw e;
                }
                // the next Active replica orders writes only once the log names it the primary
                // (fencing): an unreachable primary is marked Dead first, as it would be by the
                // next primary's failed forward, but never the shard's last Active replica
                if (anotherActive(l, peer)) {
                    LOG.warn(
                            "Primary {} of {} is unreachable ({}); marking it Dead",
                            Long.toUnsignedString(peer),
                            owner,
                            e.getMessage());
                    states.markDead(peer);
                }
                last = e;
            }
        }
        throw new ServiceException(
                "No Active replica of shard " + l.shardId() + " of collection " + l.collection()
                        + " is reachable to apply the write",
                last);
    }

    /** Whether a replica other than {@code peer} can be the primary (is Active). */
    private boolean anotherActive(ReplicaSet.Layout l, long peer) {
        for (long p : l.peers()) {
            if (p != peer && states.state(p).canBePrimary()) {
                return true;
            }
        }
        return false;
    }

    /**
     * A write with {@code ordering=strong}: only the shard's first replica in placement order may
     * order it (Qdrant's permanent leader); when that one is not Active or not reachable the write
     * fails rather than going to another primary.
     */
    UpdateResult strong(PointOperation operation, boolean wait, long waitMillis) {
        ReplicaSet.Layout l = layout.get();
        long first = l.peers().getFirst();
        ReplicaState s = states.state(first);
        if (!s.canBePrimary()) {
            throw new ServiceException("Write with strong ordering: the first replica of shard " + l.shardId()
                    + " of collection " + l.collection() + " (peer " + Long.toUnsignedString(first) + ") is "
                    + s.wireName());
        }
        if (first == l.self()) {
            return local.write(operation, wait, waitMillis);
        }
        if (remotes.replica(first) == null) {
            throw new ServiceException("Write with strong ordering: peer " + Long.toUnsignedString(first)
                    + ", the first replica of shard " + l.shardId() + " of collection " + l.collection()
                    + ", is not a member of the cluster");
        }
        return remotes.writeAsPrimary(first, operation, wait);
    }
}
