package io.sextant.segment.ops;

import io.sextant.segment.PointId;
import io.sextant.segment.filter.Filter;
import java.util.List;

/** Which points an operation targets: a list of ids or every point matching a filter. */
public sealed interface PointsSelector {
    record Ids(List<PointId> ids) implements PointsSelector {
        public Ids {
            ids = List.copyOf(ids);
        }
    }

    record ByFilter(Filter filter) implements PointsSelector {}
}
