package io.sextant.segment.vectorindex;

import io.sextant.segment.PointId;
import io.sextant.segment.config.SparseVectorSpec;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.index.OffsetFilter;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.query.SparseStats;
import io.sextant.segment.storage.Segment;
import io.sextant.vector.sparse.SparseVector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Searches one named sparse vector of one segment by dot product, as Qdrant does: only points that
 * share at least one dimension with the query are hits (an empty query finds nothing).
 *
 * <p>The plan: with a filter whose cardinality estimate is below the vector's {@code
 * full_scan_threshold} (a number of vectors), or with {@code exact: true}, the matching points are
 * scored one by one from their stored vectors; otherwise every stored vector that passes the filter
 * is scored ({@link Plan#SCAN}).
 *
 * <p>Stateless and thread-safe. A scan of an appendable segment keeps the newest copy of a point
 * that an update is moving within the segment (see {@link SegmentSearcher}).
 */
public final class SparseSegmentSearcher {
    private SparseSegmentSearcher() {}

    /** How a segment is searched. */
    public enum Plan {
        /** Every live point with the vector scored. */
        SCAN,
        /** Only the points matching the filter scored. */
        FILTERED_SCAN
    }

    /**
     * One segment search.
     *
     * @param vectorName the named sparse vector
     * @param query the query, with any modifier (idf) applied already
     * @param filter the filter, {@link Filter#ALL} for none
     * @param k hits wanted
     * @param scoreThreshold drop hits scoring below this; null for none
     * @param params search parameters
     */
    public record Request(
            String vectorName, SparseVector query, Filter filter, int k, Float scoreThreshold, SearchParams params) {}

    /** The plan for {@code request}; {@code filter} is the compiled filter or null for none. */
    public static Plan plan(Segment seg, Request request, OffsetFilter filter) {
        if (filter == null) {
            return Plan.SCAN;
        }
        SparseVectorSpec spec = seg.sparseSpecs().get(request.vectorName());
        return request.params().exact() || filter.estimate() < spec.effectiveFullScanThreshold()
                ? Plan.FILTERED_SCAN
                : Plan.SCAN;
    }

    /** The best {@code k} hits of {@code seg}, best first (ties: lower offset first). */
    public static List<SegmentSearcher.Hit> search(Segment seg, Request request) {
        if (request.k() <= 0 || request.query().isEmpty()) {
            return List.of();
        }
        Filter f = request.filter();
        OffsetFilter compiled = f == null || f.isEmpty() ? null : seg.compile(f);
        Plan plan = plan(seg, request, compiled);
        TopK top = seg.immutable()
                ? scan(seg, request, compiled, plan, request.k())
                : scanDistinct(seg, request, compiled, plan, request.k());
        List<SegmentSearcher.Hit> hits = new ArrayList<>(top.size());
        Float t = request.scoreThreshold();
        for (int i = 0; i < top.size(); i++) {
            if (t == null || top.key(i) >= t) {
                hits.add(new SegmentSearcher.Hit(top.offset(i), top.key(i)));
            }
        }
        hits.sort((a, b) ->
                a.score() != b.score() ? Float.compare(b.score(), a.score()) : Integer.compare(a.offset(), b.offset()));
        return hits;
    }

    /**
     * Statistics of {@code dims} (sorted unsigned, unique) over the live points of {@code seg} that
     * have the sparse vector {@code name} and match {@code corpus} (null = all).
     */
    public static SparseStats stats(Segment seg, String name, int[] dims, Filter corpus) {
        long count = 0;
        long[] df = new long[dims.length];
        OffsetFilter f = corpus == null || corpus.isEmpty() ? null : seg.compile(corpus);
        int limit = seg.offsetLimit();
        for (int off = 0; off < limit; off++) {
            if (!seg.isLive(off) || (f != null && !f.test(off))) {
                continue;
            }
            SparseVector v = seg.sparseVector(off, name);
            if (v == null) {
                continue;
            }
            count++;
            int[] ids = v.indices();
            int i = 0;
            int j = 0;
            while (i < ids.length && j < dims.length) {
                int c = Integer.compareUnsigned(ids[i], dims[j]);
                if (c == 0) {
                    df[j]++;
                    i++;
                    j++;
                } else if (c < 0) {
                    i++;
                } else {
                    j++;
                }
            }
        }
        return new SparseStats(count, df);
    }

    private static TopK scanDistinct(Segment seg, Request request, OffsetFilter filter, Plan plan, int fetch) {
        int room = fetch;
        for (int attempt = 0; ; attempt++) {
            TopK top = scan(seg, request, filter, plan, room);
            Map<PointId, Integer> newest = new HashMap<>();
            for (int i = 0; i < top.size(); i++) {
                newest.merge(seg.idAt(top.offset(i)), i, (a, b) -> top.offset(a) > top.offset(b) ? a : b);
            }
            int duplicates = top.size() - newest.size();
            if (duplicates == 0 && top.size() <= fetch) {
                return top;
            }
            if (top.size() < room || attempt == 3) {
                TopK distinct = new TopK(fetch, newest.size());
                for (int i : newest.values()) {
                    distinct.offer(top.offset(i), top.key(i));
                }
                return distinct;
            }
            room = (int) Math.min(Integer.MAX_VALUE, (long) room + 2L * duplicates);
        }
    }

    private static TopK scan(Segment seg, Request request, OffsetFilter filter, Plan plan, int fetch) {
        String name = request.vectorName();
        SparseVector q = request.query();
        TopK top = new TopK(fetch, (int) Math.min(Integer.MAX_VALUE, Math.max(1, seg.liveCount())));
        java.util.function.IntConsumer visit = off -> {
            SparseVector v = seg.sparseVector(off, name);
            if (v != null && v.overlaps(q)) {
                top.offer(off, v.dot(q));
            }
        };
        RoaringBitmap exact = filter == null || plan != Plan.FILTERED_SCAN ? null : filter.exactOrNull();
        if (exact != null) {
            int limit = seg.offsetLimit();
            for (IntIterator it = exact.getIntIterator(); it.hasNext(); ) {
                int off = it.next();
                if (off < limit && seg.isLive(off)) {
                    visit.accept(off);
                }
            }
            return top;
        }
        for (int off = 0; off < seg.offsetLimit(); off++) { // re-read: appends may land meanwhile
            if (seg.isLive(off) && (filter == null || filter.test(off))) {
                visit.accept(off);
            }
        }
        return top;
    }
}
