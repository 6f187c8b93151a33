package io.sextant.cluster;

import com.fasterxml.jackson.databind.node.BooleanNode;

/**
 * A {@link MetadataApplier} that applies the shard transfer entries ({@link
 * MetadataCommand.Type#START_TRANSFER}, {@link MetadataCommand.Type#FINISH_TRANSFER}, {@link
 * MetadataCommand.Type#ABORT_TRANSFER}) to the {@link TransferBook} and hands every other command to
 * the applier it wraps (the replica placement applier). Every verdict is taken from the books, which
 * every peer derives from the same log, so every peer reaches the same one:
 *
 * <ul>
 *   <li><b>start</b>: the collection must have a placement (else not found) and the shard must exist
 *       (else bad request). A target the shard has no replica on joins the placement Partial (an
 *       {@code add_replica} applied through the wrapped applier, so the server creates the empty
 *       replica exactly as for that entry); the source must then hold a replica. A target that is
 *       already placed must not be Active unless the transfer is already recorded (a method change
 *       of a running transfer, {@code restart_transfer}). The transfer is recorded (replacing the one
 *       to the same replica).
 *   <li><b>finish</b>: forgets the recorded transfer; when it is a move, the source replica is
 *       dropped in the same entry (a {@code drop_replica} through the wrapped applier, refused like
 *       that entry when the source is the shard's last Active replica: then nothing changes and the
 *       transfer stays recorded). A finish of a transfer that is not recorded changes nothing.
 *   <li><b>abort</b>: forgets the recorded transfer and drops its target replica unless that is
 *       Active (refused, and nothing changes, when it would remove the last Active replica).
 * </ul>
 *
 * A {@code drop_replica} that removes a replica forgets the transfer to it; transfers of collections
 * that no longer exist are forgotten after each command. Called on the state machine's apply thread.
 */
public final class TransferApplier extends ForwardingApplier {

    private final PlacementBook placements;
    private final ReplicaStateBook states;
    private final TransferBook transfers;

    public TransferApplier(
            MetadataApplier delegate, PlacementBook placements, ReplicaStateBook states, TransferBook transfers) {
        super(delegate);
        this.placements = placements;
        this.states = states;
        this.transfers = transfers;
    }

    @Override
    public MetadataResult apply(MetadataCommand command) {
        MetadataResult result =
                switch (command.type()) {
                    case START_TRANSFER -> start(command);
                    case FINISH_TRANSFER -> finish(command);
                    case ABORT_TRANSFER -> abort(command);
                    case CREATE_COLLECTION -> {
                        if (placements.get(command.collection()) == null) {
                            transfers.clear(command.collection()); // stale rows of an earlier namesake
                        }
                        yield delegate.apply(command);
                    }
                    case DROP_REPLICA -> {
                        MetadataResult r = delegate.apply(command);
                        if (r.succeeded()) {
                            ReplicaPlacementChange drop = ReplicaPlacementChange.of(command);
                            transfers.remove(command.collection(), drop.shardId(), drop.peerId());
                        }
                        yield r;
                    }
                    default -> delegate.apply(command);
                };
        transfers.retainOnly(delegate.localCollections());
        return result;
    }

    private MetadataResult start(MetadataCommand command) {
        ShardTransfer t = ShardTransfer.of(command);
        String collection = command.collection();
        ShardPlacement placement = placements.get(collection);
        if (placement == null) {
            return noPlacement(collection);
        }
        if (t.shardId() >= placement.shardCount()) {
            return MetadataResult.failed(
                    "BAD_REQUEST", "Shard " + t.shardId() + " of " + collection + " does not exist");
        }
        boolean placed = placement.replicas(t.shardId()).contains(t.to());
        if (!placed) {
            if (!placement.replicas(t.shardId()).contains(t.from())) {
                return MetadataResult.failed(
                        "BAD_REQUEST",
                        "Peer " + Long.toUnsignedString(t.from()) + " holds no replica of shard " + t.shardId() + " of "
                                + collection);
            }
            MetadataResult added =
                    delegate.apply(new ReplicaPlacementChange(t.shardId(), t.to()).addCommand(collection));
            if (!added.succeeded()) {
                return added;
            }
        } else if (transfers.get(collection, t.shardId(), t.to()) == null
                && states.state(collection, t.shardId(), t.to()) == ReplicaState.ACTIVE) {
            return MetadataResult.failed(
                    "BAD_REQUEST",
                    "The replica of shard " + t.shardId() + " of " + collection + " on peer "
                            + Long.toUnsignedString(t.to()) + " is Active: there is nothing to transfer");
        }
        transfers.put(collection, t);
        return MetadataResult.ok(BooleanNode.TRUE);
    }

    private MetadataResult finish(MetadataCommand command) {
        ShardTransfer asked = ShardTransfer.of(command);
        String collection = command.collection();
        ShardTransfer t = transfers.get(collection, asked.shardId(), asked.to());
        if (t == null) {
            return MetadataResult.ok(BooleanNode.FALSE); // finished or aborted already: a replayed entry
        }
        ShardPlacement placement = placements.get(collection);
        if (t.move()
                && placement != null
                && t.from() != t.to()
                && placement.replicas(t.shardId()).contains(t.from())) {
            MetadataResult dropped =
                    delegate.apply(new ReplicaPlacementChange(t.shardId(), t.from()).command(collection));
            if (!dropped.succeeded()) {
                return dropped;
            }
        }
        transfers.remove(collection, t.shardId(), t.to());
        return MetadataResult.ok(BooleanNode.TRUE);
    }

    private MetadataResult abort(MetadataCommand command) {
        ShardTransfer asked = ShardTransfer.of(command);
        String collection = command.collection();
        ShardPlacement placement = placements.get(collection);
        if (placement != null
                && asked.shardId() < placement.shardCount()
                && placement.replicas(asked.shardId()).contains(asked.to())
                && states.state(collection, asked.shardId(), asked.to()) != ReplicaState.ACTIVE) {
            MetadataResult dropped =
                    delegate.apply(new ReplicaPlacementChange(asked.shardId(), asked.to()).command(collection));
            if (!dropped.succeeded()) {
                return dropped;
            }
        }
        boolean had = transfers.remove(collection, asked.shardId(), asked.to());
        return MetadataResult.ok(BooleanNode.valueOf(had));
    }

    @Override
    public void resetTransfers(java.util.Map<String, java.util.List<ShardTransfer>> table) {
        transfers.replaceAll(table);
        delegate.resetTransfers(table);
    }
}
