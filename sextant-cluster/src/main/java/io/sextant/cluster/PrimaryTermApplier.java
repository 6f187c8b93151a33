package io.sextant.cluster;

import java.util.HashMap;
import java.util.Map;

/**
 * The outermost {@link MetadataApplier} of a peer: hands every command to the applier it wraps and
 * then records, in {@link PrimaryTerms}, each shard of the command's collection whose primary
 * ({@link PrimaryTerms#primaryOf}: first Active replica in placement order) the command changed,
 * with the entry's log index: a create, a replica marked Dead or made Active again, a replica
 * dropped, a shard key added. Commands applied without an index (a metadata snapshot's reconcile)
 * record index 0 (unknown). Called on the state machine's apply thread.
 */
public final class PrimaryTermApplier extends ForwardingApplier {

    private final PlacementBook placements;
    private final ReplicaStateBook states;
    private final PrimaryTerms terms;

    public PrimaryTermApplier(
            MetadataApplier delegate, PlacementBook placements, ReplicaStateBook states, PrimaryTerms terms) {
        super(delegate);
        this.placements = placements;
        this.states = states;
        this.terms = terms;
    }

    @Override
    public MetadataResult apply(MetadataCommand command) {
        return apply(0, command);
    }

    @Override
    public MetadataResult apply(long index, MetadataCommand command) {
        String collection = command.collection();
        Map<Integer, Long> before = collection == null ? Map.of() : primaries(collection);
        MetadataResult result = delegate.apply(index, command);
        if (collection != null) {
            primaries(collection).forEach((shard, primary) -> {
                if (!primary.equals(before.get(shard))) { // a new shard, or its primary changed
                    terms.set(collection, shard, primary, index);
                } else if (terms.term(collection, shard) == null) { // recorded before terms were kept
                    terms.set(collection, shard, primary, 0);
                }
            });
        }
        terms.retainOnly(delegate.localCollections());
        return result;
    }

    private Map<Integer, Long> primaries(String collection) {
        ShardPlacement p = placements.get(collection);
        Map<Integer, Long> out = new HashMap<>();
        if (p != null) {
            for (int s = 0; s < p.shardCount(); s++) {
                out.put(s, PrimaryTerms.primaryOf(collection, s, p, states));
            }
        }
        return out;
    }
}
