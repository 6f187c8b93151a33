package io.sextant.segment.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The vectors a segment stores: dense and sparse, each by name. Names are unique across both kinds
 * and each takes one presence bit per point, in the order of {@link #names()}.
 *
 * @param dense named dense vectors ("" is the unnamed default vector)
 * @param sparse named sparse vectors
 */
public record SegmentVectors(Map<String, VectorSpec> dense, Map<String, SparseVectorSpec> sparse) {
    public SegmentVectors {
        dense = Map.copyOf(dense);
        sparse = sparse == null ? Map.of() : Map.copyOf(sparse);
        for (String name : sparse.keySet()) {
            if (dense.containsKey(name)) {
                throw new IllegalArgumentException("Vector name '" + name + "' is both a dense and a sparse vector");
            }
        }
    }

    /** Dense vectors only. */
    public static SegmentVectors dense(Map<String, VectorSpec> dense) {
        return new SegmentVectors(dense, Map.of());
    }

    /** All names, dense and sparse, sorted: the presence-bit order. */
    public List<String> names() {
        List<String> all = new ArrayList<>(dense.keySet());
        all.addAll(sparse.keySet());
        all.sort(null);
        return all;
    }

    public int size() {
        return dense.size() + sparse.size();
    }
}
