package io.sextant.cluster.replica;

import io.sextant.cluster.MetadataCommand;
import io.sextant.cluster.MetadataResult;
import io.sextant.cluster.ReplicaState;
import io.sextant.cluster.ReplicaStateBook;
import io.sextant.cluster.ReplicaStateChange;
import io.sextant.segment.error.ServiceException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica states of one shard as this peer's {@link ReplicaStateBook} holds them, changed by
 * proposing {@code set_replica_state} entries to the metadata group. The proposer returns once
 * this peer applied the entry ({@code ClusterNode.propose}), so after {@link #markDead} returns the
 * book already says Dead here.
 *
 * <p>{@link #markDead} proposes Dead with the replica's current state as {@code from_state}, so two
 * primaries marking the same replica do not fight: the second one's entry fails its precondition and
 * finds the replica Dead. When the precondition failed because the replica moved to another state
 * that still receives writes (e.g. a transfer made it Partial), it tries again with that state, up
 * to {@link #ATTEMPTS} times. Thread-safe: changes of this shard's states are serialized.
 */
public final class ConsensusReplicaStates implements ReplicaStates {
    private static final Logger LOG = LoggerFactory.getLogger(ConsensusReplicaStates.class);

    /** Proposals {@link #markDead} makes before giving up. */
    static final int ATTEMPTS = 3;

    private final ReplicaStateBook book;
    private final String collection;
    private final int shardId;
    private final Function<MetadataCommand, MetadataResult> proposer;
    private final io.sextant.cluster.PrimaryTerms terms;

    /**
     * @param book this peer's replica states
     * @param collection the shard's collection
     * @param shardId the shard
     * @param proposer replicates a command through the metadata group and returns its result once this
     *     peer applied it; throws {@code ServiceException} when it cannot be committed
     */
    public ConsensusReplicaStates(
            ReplicaStateBook book, String collection, int shardId, Function<MetadataCommand, MetadataResult> proposer) {
        this(book, collection, shardId, proposer, io.sextant.cluster.PrimaryTerms.inMemory());
    }

    /** @param terms the shards' primary terms (the fence of this peer's forwards as primary) */
    public ConsensusReplicaStates(
            ReplicaStateBook book,
            String collection,
            int shardId,
            Function<MetadataCommand, MetadataResult> proposer,
            io.sextant.cluster.PrimaryTerms terms) {
        this.terms = terms;
        this.book = book;
        this.collection = collection;
        this.shardId = shardId;
        this.proposer = proposer;
    }

    @Override
    public ReplicaState state(long peer) {
        return book.state(collection, shardId, peer);
    }

    @Override
    public long primaryTermIndex(long primary) {
        return terms.index(collection, shardId, primary);
    }

    @Override
    public String takeRequestedMethod(long peer) {
        return book.takeRequestedMethod(collection, shardId, peer);
    }

    @Override
    public void markDead(long peer) {
        markDead(peer, 0);
    }

    @Override
    public void markDeadAsPrimary(long self, long peer) {
        markDead(peer, self);
    }

    /** Proposes Dead up to {@link #ATTEMPTS} times; {@code byPrimary} 0: not proposed as a primary. */
    private synchronized void markDead(long peer, long byPrimary) {
        String error = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            ReplicaState current = state(peer);
            if (!current.receivesWrites()) {
                return;
            }
            MetadataResult r =
                    proposer.apply(new ReplicaStateChange(shardId, peer, ReplicaState.DEAD, current, null, byPrimary)
                            .command(collection));
            if (r.succeeded()) {
                LOG.warn(
                        "Marked the replica of shard {} of collection {} on peer {} Dead (was {})",
                        shardId,
                        collection,
                        Long.toUnsignedString(peer),
                        current.wireName());
                return;
            }
            error = r.error();
        }
        if (state(peer).receivesWrites()) {
            throw new ServiceException("Cannot mark the replica of shard " + shardId + " of collection " + collection
                    + " on peer " + Long.toUnsignedString(peer) + " Dead: " + error);
        }
    }

    @Override
    public synchronized boolean markDeadWhileActive(long peer, java.util.List<Long> anyOf) {
        ReplicaState current = state(peer);
        if (!current.receivesWrites()) {
            return false;
        }
        MetadataResult r = proposer.apply(
                new ReplicaStateChange(shardId, peer, ReplicaState.DEAD, current, null, 0, anyOf).command(collection));
        if (r.succeeded()) {
            LOG.warn(
                    "Marked the replica of shard {} of collection {} on peer {} Dead (was {}) while a replica on {} is"
                            + " Active",
                    shardId,
                    collection,
                    Long.toUnsignedString(peer),
                    current.wireName(),
                    anyOf.stream().map(Long::toUnsignedString).toList());
            return true;
        }
        if ("CONFLICT".equals(r.errorKind())) {
            return false;
        }
        throw new ServiceException("Cannot mark the replica of shard " + shardId + " of collection " + collection
                + " on peer " + Long.toUnsignedString(peer) + " Dead: " + r.error());
    }

    @Override
    public synchronized boolean change(long peer, ReplicaState from, ReplicaState to) {
        if (state(peer) != from) {
            return false;
        }
        MetadataResult r = proposer.apply(new ReplicaStateChange(shardId, peer, to, from).command(collection));
        if (r.succeeded()) {
            LOG.info(
                    "Replica of shard {} of collection {} on peer {}: {} -> {}",
                    shardId,
                    collection,
                    Long.toUnsignedString(peer),
                    from.wireName(),
                    to.wireName());
            return true;
        }
        if ("CONFLICT".equals(r.errorKind())) {
            return false;
        }
        throw new ServiceException("Cannot set the replica of shard " + shardId + " of collection " + collection
                + " on peer " + Long.toUnsignedString(peer) + " to " + to.wireName() + ": " + r.error());
    }
}
