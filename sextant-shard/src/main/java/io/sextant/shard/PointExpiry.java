package io.sextant.shard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.config.TtlSpec;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import java.util.ArrayList;
import java.util.List;

/**
 * Point expiry ({@link TtlSpec}) as filters and as a rewrite of upserts. A point is expired when its
 * expiry field holds a number at or before now (seconds since the Unix epoch); reads of a shard with
 * a TTL add "not expired" to their filter, so an expired point disappears from every read the
 * moment its deadline passes, before the optimizer thread deletes it. Stateless.
 */
public final class PointExpiry {
    private PointExpiry() {}

    /** Now, in epoch seconds (millisecond resolution). */
    static double nowSeconds() {
        return System.currentTimeMillis() / 1000.0;
    }

    /** The points of {@code ttl} expired at {@code now}. */
    static Filter expired(TtlSpec ttl, double now) {
        return Filter.must(new Condition.RangeCondition(ttl.field(), null, null, null, now, false));
    }

    /** {@code filter} restricted to points not expired at {@code now}; {@code filter} itself without a TTL. */
    static Filter visible(TtlSpec ttl, Filter filter, double now) {
        if (ttl == null) {
            return filter;
        }
        List<Condition> must =
                filter == null || filter.isEmpty() ? List.of() : List.of(new Condition.FilterCondition(filter));
        return new Filter(
                must,
                List.of(),
                List.of(new Condition.RangeCondition(ttl.field(), null, null, null, now, false)),
                null);
    }

    /**
     * {@code op} with the default expiry ({@code now + default_ttl_sec}, whole seconds) written into
     * the payload of every upserted point that lacks the field; other operations unchanged. Done
     * before the operation is logged, so a replay gives the same deadline; the collection does it
     * once before splitting an operation over shards and replicas, so every replica logs the same
     * deadline.
     */
    public static PointOperation withDefaultExpiry(PointOperation op, TtlSpec ttl, long nowMillis) {
        if (ttl == null || ttl.defaultTtlSec() == null || !(op instanceof PointOperation.Upsert u)) {
            return op;
        }
        long deadline = Math.floorDiv(nowMillis, 1000) + ttl.defaultTtlSec();
        List<PointOperation.PointStruct> points = new ArrayList<>(u.points().size());
        boolean changed = false;
        for (PointOperation.PointStruct p : u.points()) {
            if (p.payload() != null && p.payload().has(ttl.field())) {
                points.add(p);
                continue;
            }
            ObjectNode payload = p.payload() == null
                    ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                    : p.payload().deepCopy();
            payload.put(ttl.field(), deadline);
            points.add(new PointOperation.PointStruct(p.id(), p.vectors(), p.sparseVectors(), payload));
            changed = true;
        }
        return changed ? new PointOperation.Upsert(points, u.mode(), u.updateFilter()) : op;
    }
}
