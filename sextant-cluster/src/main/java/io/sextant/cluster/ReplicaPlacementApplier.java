package io.sextant.cluster;

import com.fasterxml.jackson.databind.node.BooleanNode;

/**
 * A {@link MetadataApplier} that applies {@link MetadataCommand.Type#DROP_REPLICA} and {@link
 * MetadataCommand.Type#ADD_REPLICA} entries and hands every other command to the applier it wraps.
 * An add needs a placement (else not found) and an existing shard (else bad request); the peer
 * joins the shard's replicas last in placement order (so the primary does not change), Partial (it
 * receives writes, serves no reads, and the shard's primary fills it by the automatic recovery),
 * and the {@link Listener} is told, so the server adds it to the replica set and, on that peer,
 * creates the empty local replica. An add of a replica the placement already has changes nothing. A drop is checked against the {@link PlacementBook}
 * and the {@link ReplicaStateBook}, which every peer derives from the same log, so every peer
 * reaches the same verdict: the collection must have a placement (else not found), the shard must
 * exist (else bad request), and at least one Active replica must remain (else bad request, nothing
 * changes). A drop of a replica the placement no longer has succeeds and changes nothing, so a
 * replayed entry (a snapshot's reconcile re-applies a collection's history) is harmless. Otherwise
 * the placement loses the replica (durably, first), its state entry is forgotten, and the {@link
 * Listener} is told, so the server reshapes the shard's replica set and, on the peer that held the
 * replica, deletes it. Called on the state machine's apply thread, like the applier it wraps.
 */
public final class ReplicaPlacementApplier extends ForwardingApplier {

    /** What a peer does once a replica left or joined a placement. */
    public interface Listener {
        /** The replica of {@code shardId} of {@code collection} on {@code peerId} is no longer placed. */
        void dropped(String collection, int shardId, long peerId);

        /** A new (Partial) replica of {@code shardId} of {@code collection} is placed on {@code peerId}. */
        void added(String collection, int shardId, long peerId);
    }

    private final PlacementBook placements;
    private final ReplicaStateBook states;
    private final Listener listener;

    public ReplicaPlacementApplier(
            MetadataApplier delegate, PlacementBook placements, ReplicaStateBook states, Listener listener) {
        super(delegate);
        this.placements = placements;
        this.states = states;
        this.listener = listener;
    }

    @Override
    public MetadataResult apply(MetadataCommand command) {
        return switch (command.type()) {
            case DROP_REPLICA -> drop(command);
            case ADD_REPLICA -> add(command);
            default -> delegate.apply(command);
        };
    }

    private MetadataResult add(MetadataCommand command) {
        ReplicaPlacementChange add = ReplicaPlacementChange.of(command);
        String collection = command.collection();
        ShardPlacement placement = placements.get(collection);
        if (placement == null) {
            return noPlacement(collection);
        }
        if (add.shardId() >= placement.shardCount()) {
            return MetadataResult.failed(
                    "BAD_REQUEST", "Shard " + add.shardId() + " of " + collection + " does not exist");
        }
        if (placement.replicas(add.shardId()).contains(add.peerId())) {
            return MetadataResult.ok(BooleanNode.FALSE); // already placed: a replayed entry
        }
        placements.put(collection, placement.with(add.shardId(), add.peerId()));
        if (command.body() != null && command.body().path("transfer_method").isTextual()) {
            // before the state: the primary takes it when it sees the Partial replica
            states.requestMethod(
                    collection,
                    add.shardId(),
                    add.peerId(),
                    command.body().get("transfer_method").asText());
        }
        states.set(collection, add.shardId(), add.peerId(), ReplicaState.PARTIAL);
        listener.added(collection, add.shardId(), add.peerId());
        return MetadataResult.ok(BooleanNode.TRUE);
    }

    private MetadataResult drop(MetadataCommand command) {
        ReplicaPlacementChange drop =
                ReplicaPlacementChange.of(command); // well formed: the command's constructor checked it
        String collection = command.collection();
        ShardPlacement placement = placements.get(collection);
        if (placement == null) {
            return noPlacement(collection);
        }
        String refusal = refusal(collection, placement, drop, states);
        if (refusal != null) {
            return MetadataResult.failed("BAD_REQUEST", refusal);
        }
        if (!placement.replicas(drop.shardId()).contains(drop.peerId())) {
            return MetadataResult.ok(BooleanNode.FALSE); // already dropped: a replayed entry
        }
        placements.put(collection, placement.without(drop.shardId(), drop.peerId()));
        states.set(collection, drop.shardId(), drop.peerId(), ReplicaState.ACTIVE); // forgets its entry
        listener.dropped(collection, drop.shardId(), drop.peerId());
        return MetadataResult.ok(BooleanNode.TRUE);
    }

    /**
     * Why {@code drop} may not apply to {@code collection} placed as {@code placement}, or null when
     * it may: a shard the collection does not have, or the last Active replica of the shard. A peer
     * the shard has no replica on is no refusal here (the entry is then a no-op); the REST layer
     * refuses it before proposing.
     */
    public static String refusal(
            String collection, ShardPlacement placement, ReplicaPlacementChange drop, ReplicaStateBook states) {
        if (drop.shardId() >= placement.shardCount()) {
            return "Shard " + drop.shardId() + " of " + collection + " does not exist";
        }
        boolean activeRemains = placement.replicas(drop.shardId()).stream()
                .anyMatch(
                        p -> p != drop.peerId() && states.state(collection, drop.shardId(), p) == ReplicaState.ACTIVE);
        if (!activeRemains && placement.replicas(drop.shardId()).contains(drop.peerId())) {
            return "Removing the last active replica of shard " + drop.shardId() + " of " + collection
                    + " is not allowed";
        }
        return null;
    }
}
