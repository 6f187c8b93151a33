package io.sextant.cluster;

import io.sextant.cluster.shard.FenceCheck;
import io.sextant.cluster.shard.PrimaryFence;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The rule by which a replica's peer admits a forwarded write ({@link FenceCheck}), from its own
 * books: the {@link PlacementBook}, the {@link ReplicaStateBook} and the {@link PrimaryTerms}, which
 * every peer derives from the same metadata log.
 *
 * <ol>
 *   <li>A fence newer than a fence this peer already admitted for the shard, or one this peer has
 *       not applied yet (its index is above this peer's applied index), is admitted: the sender
 *       knows at least as much of the log as this peer, so this peer cannot call it stale.
 *   <li>A fence with a known index below the highest index this peer admitted for the shard is
 *       refused: a newer primary already wrote here (a lagging peer judges a frozen old primary by
 *       the writes of its successor).
 *   <li>Otherwise (this peer applied the sender's term): admitted only when this peer's books name
 *       the sender as the shard's primary ({@link PrimaryTerms#primaryOf}) and the index that made
 *       it primary is not newer than the fence's (a sender deposed and made primary again since
 *       carries an older index). An index of 0 (unknown on either side) compares by name only.
 * </ol>
 *
 * A collection this peer has no placement for is not judged (the shard lookup answers). Refusals
 * are {@link PrimaryFence.Refused}. Thread-safe (the highest admitted fences are a
 * concurrent map, kept in memory: after a restart rule 2 starts afresh, rule 3 still holds).
 */
public final class PrimaryFenceCheck implements FenceCheck {

    private final PlacementBook placements;
    private final ReplicaStateBook states;
    private final PrimaryTerms terms;
    private final LongSupplier appliedIndex;
    private final Map<String, Long> highestAdmitted = new ConcurrentHashMap<>();

    /**
     * @param appliedIndex the index of the last metadata log entry this peer applied
     */
    public PrimaryFenceCheck(
            PlacementBook placements, ReplicaStateBook states, PrimaryTerms terms, LongSupplier appliedIndex) {
        this.placements = placements;
        this.states = states;
        this.terms = terms;
        this.appliedIndex = appliedIndex;
    }

    @Override
    public void admit(String collection, int shardId, PrimaryFence fence) {
        String key = collection + "/" + shardId;
        long highest = highestAdmitted.getOrDefault(key, 0L);
        if (fence.index() > 0 && fence.index() < highest) {
            throw refused(collection, shardId, fence, "a primary of index " + highest + " already wrote here");
        }
        ShardPlacement placement = placements.get(collection);
        if (placement != null && (fence.index() == 0 || fence.index() <= appliedIndex.getAsLong())) {
            long primary = PrimaryTerms.primaryOf(collection, shardId, placement, states);
            long index = terms.index(collection, shardId, primary);
            if (primary != fence.primary()) {
                throw refused(
                        collection,
                        shardId,
                        fence,
                        "this peer's log names peer " + Long.toUnsignedString(primary) + " (index " + index + ")");
            }
            if (fence.index() > 0 && index > fence.index()) {
                throw refused(collection, shardId, fence, "the sender became primary again at index " + index);
            }
        }
        if (fence.index() > highest) {
            highestAdmitted.merge(key, fence.index(), Math::max);
        }
    }

    private PrimaryFence.Refused refused(String collection, int shardId, PrimaryFence fence, String why) {
        long primary = PrimaryTerms.primaryOf(collection, shardId, placements.get(collection), states);
        return new PrimaryFence.Refused(
                "Forward from peer " + Long.toUnsignedString(fence.primary()) + " (primary since index "
                        + fence.index() + ") to shard " + shardId + " of collection " + collection
                        + " refused: " + why,
                new PrimaryFence(primary, terms.index(collection, shardId, primary)));
    }
}
