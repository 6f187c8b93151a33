package io.sextant.cluster;

import java.util.Map;
import java.util.Set;

/**
 * Base of the {@link MetadataApplier}s that handle some commands themselves and wrap another
 * applier for the rest: the local views (collections, aliases, replica states) are the wrapped
 * applier's unless a subclass overrides them. Thread-safety is the subclass's (appliers are called
 * on the state machine's apply thread).
 */
abstract class ForwardingApplier implements MetadataApplier {

    /** The wrapped applier. */
    protected final MetadataApplier delegate;

    ForwardingApplier(MetadataApplier delegate) {
        this.delegate = delegate;
    }

    /** The answer to a replica entry for a collection without a placement on this cluster. */
    static MetadataResult noPlacement(String collection) {
        return MetadataResult.failed(
                "NOT_FOUND", "Collection `" + collection + "` has no shard placement on this cluster");
    }

    @Override
    public Set<String> localCollections() {
        return delegate.localCollections();
    }

    @Override
    public Map<String, String> localAliases() {
        return delegate.localAliases();
    }

    @Override
    public Map<String, Map<Integer, Map<Long, ReplicaState>>> localReplicaStates() {
        return delegate.localReplicaStates();
    }

    @Override
    public void resetTransfers(Map<String, java.util.List<ShardTransfer>> transfers) {
        delegate.resetTransfers(transfers);
    }
}
