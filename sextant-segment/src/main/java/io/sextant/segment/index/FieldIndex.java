package io.sextant.segment.index;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.segment.filter.Condition;
import java.util.ArrayList;
import java.util.List;
import org.roaringbitmap.RoaringBitmap;

/**
 * The in-memory index of one payload key over segment offsets. Besides its posting structure it
 * keeps two bitmaps: {@code withValues} (offsets with at least one indexed value) and {@code
 * foreign} (offsets with a non-null value the index type does not accept, e.g. a number under a
 * keyword index built over pre-existing data). {@link #answer} is exact for every offset that is
 * not foreign; callers evaluate foreign offsets on the payload, so indexed and unindexed filtering
 * agree.
 *
 * <p>Not thread-safe: {@link FieldIndexSet} guards it with its read-write lock.
 */
abstract sealed class FieldIndex permits ValueFieldIndex, TextFieldIndex, GeoFieldIndex {
    final PayloadIndexSpec spec;
    final RoaringBitmap withValues = new RoaringBitmap();
    final RoaringBitmap foreign = new RoaringBitmap();

    FieldIndex(PayloadIndexSpec spec) {
        this.spec = spec;
    }

    static FieldIndex create(PayloadIndexSpec spec) {
        return switch (spec.type()) {
            case TEXT -> new TextFieldIndex(spec);
            case GEO -> new GeoFieldIndex(spec);
            default -> new ValueFieldIndex<>(spec);
        };
    }

    /** Replaces the indexed values of {@code offset} with the given values at the key (flattened). */
    final void update(int offset, List<JsonNode> values) {
        if (withValues.contains(offset)) {
            removeValues(offset);
            withValues.remove(offset);
        }
        foreign.remove(offset);
        List<JsonNode> accepted = new ArrayList<>(values.size());
        for (JsonNode v : values) {
            if (v.isNull()) {
                continue;
            }
            if (IndexValueTypes.accepts(spec.type(), v)) {
                accepted.add(v);
            } else {
                foreign.add(offset);
            }
        }
        if (!accepted.isEmpty() && addValues(offset, accepted)) {
            withValues.add(offset);
        }
    }

    /** Forgets the values of {@code offset} (only called when it has some). */
    abstract void removeValues(int offset);

    /** Indexes the accepted non-null {@code values} of {@code offset}; returns whether any was kept. */
    abstract boolean addValues(int offset, List<JsonNode> values);

    /**
     * The offsets (a fresh bitmap the caller owns) whose indexed values satisfy {@code condition},
     * exact for non-foreign offsets; null when this index cannot answer the condition.
     */
    abstract RoaringBitmap answer(Condition condition);

    /** Grows {@code list} with nulls so that {@code index} is valid. */
    static <T> void ensureSize(ArrayList<T> list, int index) {
        while (list.size() <= index) {
            list.add(null);
        }
    }
}
