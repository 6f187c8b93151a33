package io.sextant.cluster;

import java.util.Map;
import java.util.Set;

/**
 * Applies committed metadata commands to this peer's collections (the server implements it with
 * its REST converters and the {@code TableOfContents}). Called by the {@link MetadataStateMachine}
 * on its single apply thread, in log order, on every peer.
 */
public interface MetadataApplier {

    /** Applies one command; never throws: failures are returned as a {@link MetadataResult}. */
    MetadataResult apply(MetadataCommand command);

    /**
     * Applies the command at log index {@code index} (the state machine's path; a snapshot's
     * reconcile calls {@link #apply(MetadataCommand)}, outside log order). By default the index is
     * not used.
     */
    default MetadataResult apply(long index, MetadataCommand command) {
        return apply(command);
    }

    /** Names of the collections this peer holds (for reconciling after a snapshot install). */
    Set<String> localCollections();

    /** This peer's aliases, alias name to collection name. */
    Map<String, String> localAliases();

    /**
     * The replica states this peer recorded that are not Active: collection → shard id → peer id →
     * state (for reconciling after a snapshot install). Appliers that keep no states have none.
     */
    default Map<String, Map<Integer, Map<Long, ReplicaState>>> localReplicaStates() {
        return Map.of();
    }

    /**
     * Replaces this peer's recorded shard transfers by {@code transfers} (collection → transfers),
     * after a snapshot's reconcile made its collections and placements match the snapshot's ledger.
     * Appliers that keep no transfers ignore it.
     */
    default void resetTransfers(Map<String, java.util.List<ShardTransfer>> transfers) {}
}
