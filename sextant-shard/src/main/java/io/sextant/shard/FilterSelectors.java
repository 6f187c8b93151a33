package io.sextant.shard;

import io.sextant.segment.PointId;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.storage.Segment;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Turns an operation's filter selector into the ids it matches now, before the operation is
 * logged, so the WAL records exactly which points it touched (a replay must not re-evaluate a
 * filter against a different state). Id selectors pass through. Stateless.
 */
final class FilterSelectors {

    private FilterSelectors() {}

    static PointOperation resolve(PointOperation op, SegmentSet segments) {
        return switch (op) {
            case PointOperation.Delete d -> new PointOperation.Delete(resolve(d.selector(), segments));
            case PointOperation.SetPayload s ->
                new PointOperation.SetPayload(s.payload(), resolve(s.selector(), segments), s.key());
            case PointOperation.OverwritePayload o ->
                new PointOperation.OverwritePayload(o.payload(), resolve(o.selector(), segments));
            case PointOperation.DeletePayload d ->
                new PointOperation.DeletePayload(d.keys(), resolve(d.selector(), segments));
            case PointOperation.ClearPayload c -> new PointOperation.ClearPayload(resolve(c.selector(), segments));
            case PointOperation.DeleteVectors d ->
                new PointOperation.DeleteVectors(resolve(d.selector(), segments), d.vectorNames());
            default -> op;
        };
    }

    private static PointsSelector resolve(PointsSelector sel, SegmentSet segments) {
        if (sel instanceof PointsSelector.ByFilter(Filter filter)) {
            Set<PointId> ids = new LinkedHashSet<>();
            for (Segment s : segments.all()) {
                ShardReads.forEachMatch(s, filter, false, off -> ids.add(s.idAt(off)));
            }
            return new PointsSelector.Ids(new ArrayList<>(ids));
        }
        return sel;
    }
}
