package io.sextant.cluster;

import com.fasterxml.jackson.databind.node.BooleanNode;
import java.util.Map;

/**
 * A {@link MetadataApplier} that applies {@link MetadataCommand.Type#SET_REPLICA_STATE} entries to
 * the {@link ReplicaStateBook} and hands every other command to the applier it wraps (the placement
 * applier over the server's executor). A change is checked against the {@link PlacementBook}, which
 * every peer derives from the same log, so every peer reaches the same verdict: the collection must
 * have a placement (else not found), the shard must exist and the peer must hold one of its
 * replicas (else bad request), a {@code from_state} must match the replica's current state and a
 * {@code by_primary} must be the shard's primary the log names and one of the {@code while_active}
 * peers' replicas must be Active (else a conflict that changes nothing). A create that records a new placement starts with every replica
 * Active; states of collections that no longer exist are forgotten after each command. Called on
 * the state machine's apply thread, like the applier it wraps.
 */
public final class ReplicaStateApplier extends ForwardingApplier {

    private final PlacementBook placements;
    private final ReplicaStateBook states;

    public ReplicaStateApplier(MetadataApplier delegate, PlacementBook placements, ReplicaStateBook states) {
        super(delegate);
        this.placements = placements;
        this.states = states;
    }

    @Override
    public MetadataResult apply(MetadataCommand command) {
        if (command.type() == MetadataCommand.Type.SET_REPLICA_STATE) {
            return setState(command);
        }
        if (command.type() == MetadataCommand.Type.CREATE_COLLECTION && placements.get(command.collection()) == null) {
            states.clear(command.collection()); // a new collection: every replica starts Active
        }
        MetadataResult result = delegate.apply(command);
        states.retainOnly(delegate.localCollections());
        return result;
    }

    private MetadataResult setState(MetadataCommand command) {
        ReplicaStateChange change;
        try {
            change = ReplicaStateChange.of(command);
        } catch (IllegalArgumentException e) {
            return MetadataResult.failed("BAD_REQUEST", e.getMessage());
        }
        String collection = command.collection();
        ShardPlacement placement = placements.get(collection);
        if (placement == null) {
            return noPlacement(collection);
        }
        if (change.shardId() >= placement.shardCount()) {
            return MetadataResult.failed(
                    "BAD_REQUEST",
                    "Shard " + change.shardId() + " does not exist in collection `" + collection + "` ("
                            + placement.shardCount() + " shards)");
        }
        if (!placement.replicas(change.shardId()).contains(change.peerId())) {
            return MetadataResult.failed(
                    "BAD_REQUEST",
                    "Peer " + Long.toUnsignedString(change.peerId()) + " holds no replica of shard " + change.shardId()
                            + " of collection `" + collection + "`");
        }
        ReplicaState current = states.state(collection, change.shardId(), change.peerId());
        if (change.fromState() != null && change.fromState() != current) {
            return MetadataResult.failed(
                    "CONFLICT",
                    "Replica of shard " + change.shardId() + " of collection `" + collection + "` on peer "
                            + Long.toUnsignedString(change.peerId()) + " is " + current.wireName() + ", not "
                            + change.fromState().wireName());
        }
        long named = PrimaryTerms.primaryOf(collection, change.shardId(), placement, states);
        if (change.byPrimary() != 0 && change.byPrimary() != named) {
            return MetadataResult.failed(
                    "CONFLICT",
                    "Peer " + Long.toUnsignedString(change.byPrimary())
                            + " proposed this change as the primary of shard "
                            + change.shardId() + " of collection `" + collection + "`, but the log names "
                            + (named == 0 ? "none" : "peer " + Long.toUnsignedString(named)));
        }
        if (!change.whileActive().isEmpty()
                && change.whileActive().stream()
                        .noneMatch(p -> placement.replicas(change.shardId()).contains(p)
                                && states.state(collection, change.shardId(), p) == ReplicaState.ACTIVE)) {
            return MetadataResult.failed(
                    "CONFLICT",
                    "No replica of shard " + change.shardId() + " of collection `" + collection + "` on peers "
                            + change.whileActive().stream()
                                    .map(Long::toUnsignedString)
                                    .toList()
                            + " is Active");
        }
        if (change.transferMethod() != null) { // before the state: the primary takes it when it sees it
            states.requestMethod(collection, change.shardId(), change.peerId(), change.transferMethod());
        }
        states.set(collection, change.shardId(), change.peerId(), change.state());
        return MetadataResult.ok(BooleanNode.TRUE);
    }

    @Override
    public Map<String, Map<Integer, Map<Long, ReplicaState>>> localReplicaStates() {
        return states.all();
    }
}
