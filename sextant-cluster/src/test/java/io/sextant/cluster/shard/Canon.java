package io.sextant.cluster.shard;

import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.shard.ScrollPage;
import io.sextant.vector.sparse.SparseVector;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Plain-text forms of results whose records hold arrays, for equality assertions. */
final class Canon {
    private Canon() {}

    static List<String> hits(List<ScoredPoint> hits) {
        return hits.stream()
                .map(h -> h.id() + " v" + h.version() + " s" + h.score() + " p" + h.payload() + " d"
                        + dense(h.vectors()) + " sp" + sparse(h.sparseVectors()))
                .toList();
    }

    static List<String> records(List<PointRecord> records) {
        return records.stream()
                .map(p -> p.id() + " v" + p.version() + " o" + p.orderValue() + " p" + p.payload() + " d"
                        + dense(p.vectors()) + " sp" + sparse(p.sparseVectors()))
                .toList();
    }

    static String page(ScrollPage page) {
        return records(page.points()) + " next " + page.nextOffset();
    }

    static String dense(Map<String, float[]> vectors) {
        if (vectors == null) {
            return "null";
        }
        Map<String, String> sorted = new TreeMap<>();
        vectors.forEach((k, v) -> sorted.put(k, Arrays.toString(v)));
        return sorted.toString();
    }

    static String sparse(Map<String, SparseVector> vectors) {
        return vectors == null ? "null" : new TreeMap<>(vectors).toString();
    }
}
