package io.sextant.shard;

import io.sextant.segment.filter.Filter;
import io.sextant.segment.index.OffsetFilter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.storage.Segment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a conditional update into the plain one it amounts to on the shard's current state:
 * {@code update_mode} ({@code insert_only} keeps only points that do not exist, {@code update_only}
 * only points that do) and {@code update_filter} (an existing point stays only when it matches;
 * missing points are inserted regardless, as Qdrant documents). The caller holds the shard's
 * update lock, so the state read here is the state the operation is applied to; the WAL then logs
 * the plain result, and replaying it gives the same points without evaluating anything again.
 * Stateless and thread-safe given the lock.
 */
final class ConditionalUpdates {

    private ConditionalUpdates() {}

    /** {@code op} itself when it is unconditional, else the plain operation of the points that pass. */
    static PointOperation resolve(PointOperation op, SegmentSet set) {
        return switch (op) {
            case PointOperation.Upsert u
            when !u.isPlain() -> {
                Matcher m = new Matcher(u.updateFilter());
                List<PointOperation.PointStruct> kept = new ArrayList<>();
                for (PointOperation.PointStruct p : u.points()) {
                    SegmentSet.Location loc = set.locate(p.id());
                    boolean keep = loc == null
                            ? u.mode() != PointOperation.UpdateMode.UPDATE_ONLY
                            : u.mode() != PointOperation.UpdateMode.INSERT_ONLY && m.matches(loc);
                    if (keep) {
                        kept.add(p);
                    }
                }
                yield new PointOperation.Upsert(kept);
            }
            case PointOperation.UpdateVectors v
            when v.updateFilter() != null -> {
                Matcher m = new Matcher(v.updateFilter());
                List<PointOperation.PointVectors> kept = new ArrayList<>();
                for (PointOperation.PointVectors p : v.points()) {
                    SegmentSet.Location loc = set.locate(p.id());
                    if (loc != null && m.matches(loc)) {
                        kept.add(p);
                    }
                }
                yield new PointOperation.UpdateVectors(kept);
            }
            default -> op;
        };
    }

    /** Tests located points against a filter, compiling it once per segment. */
    private static final class Matcher {
        private final Filter filter;
        private final Map<Segment, OffsetFilter> compiled = new HashMap<>();

        Matcher(Filter filter) {
            this.filter = filter;
        }

        boolean matches(SegmentSet.Location loc) {
            if (filter == null || filter.isEmpty()) {
                return true;
            }
            return compiled.computeIfAbsent(loc.segment(), s -> s.compile(filter))
                    .test(loc.offset());
        }
    }
}
