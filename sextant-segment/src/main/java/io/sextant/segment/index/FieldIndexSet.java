package io.sextant.segment.index;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.PointView;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/** Payload indexes of one segment. Single writer, many concurrent readers. */
public final class FieldIndexSet {

    public FieldIndexSet() {}

    /** (Re)build the index on {@code key} from the payloads of offsets [0, offsetLimit) (null payload = none). */
    public void create(String key, PayloadIndexSpec spec, int offsetLimit, IntFunction<ObjectNode> payloadAt) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public void drop(String key) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public Map<String, PayloadIndexSpec> specs() {
        return Map.of();
    }

    /** The point at {@code offset} now has {@code payload} (null = no payload / deleted): replace its indexed values. */
    public void update(int offset, ObjectNode payload) {}

    /** Number of offsets with at least one value indexed under {@code key}. */
    public long pointsWithValue(String key) {
        return 0;
    }

    /** Compile a filter for this segment: indexed conditions via posting lists, the rest evaluated on PointView. */
    public OffsetFilter compile(Filter filter, IntFunction<PointView> pointAt, IntPredicate isLive, int offsetLimit) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
