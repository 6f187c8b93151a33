package io.sextant.collection;

import io.sextant.shard.Shard;
import io.sextant.shard.WriteFreshness;
import java.util.List;
import java.util.Optional;

/**
 * Where a point operation of a collection stands, by the operation id its update returned (issue
 * P13 "freshness"): applied (always, once known: a write is applied before it is acknowledged),
 * searchable, indexed.
 *
 * <p>An operation id is the highest of the sequence numbers the operation got on the shards it
 * touched, so on a shard whose own sequence is behind the id the operation's share has a smaller
 * number. The answer is therefore conservative: operation {@code N} counts as indexed (searchable)
 * when every shard has indexed (made visible) all its writes up to {@code N}; a later write on
 * a slower shard can delay it, never the other way round. An id above every shard's last applied
 * operation is unknown (not yet issued, or from before a restore).
 *
 * @param operationId the id asked about
 * @param searchable every write of the operation is visible to searches
 * @param indexed every write of the operation is indexed (or in a segment too small to need it)
 */
public record OperationStatus(long operationId, boolean searchable, boolean indexed) {

    /** {@code "indexed"} or {@code "applied"}. */
    public String status() {
        return indexed ? "indexed" : "applied";
    }

    /** The status of {@code operationId} over {@code shards}; empty when no shard applied it yet. */
    public static Optional<OperationStatus> of(long operationId, List<? extends Shard> shards) {
        if (operationId < 0) {
            return Optional.empty();
        }
        long applied = 0;
        boolean searchable = true;
        boolean indexed = true;
        for (Shard s : shards) {
            WriteFreshness f = s.freshness();
            applied = Math.max(applied, f.appliedOpNum());
            searchable &= f.searchable(operationId);
            indexed &= f.indexed(operationId);
        }
        if (operationId > applied) {
            return Optional.empty();
        }
        return Optional.of(new OperationStatus(operationId, searchable, indexed));
    }
}
