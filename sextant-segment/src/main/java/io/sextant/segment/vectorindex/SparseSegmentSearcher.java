package io.sextant.segment.vectorindex;

import io.sextant.index.sparse.SparseIndexReader;
import io.sextant.index.sparse.SparseTopK;
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
import java.util.function.IntPredicate;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Searches one named sparse vector of one segment by dot product, as Qdrant does: only points that
 * share at least one dimension with the query are hits (an empty query finds nothing).
 *
 * <p>The plan (as Qdrant's): with a filter whose cardinality estimate is below the vector's {@code
 * full_scan_threshold} (a number of vectors), or with {@code exact: true}, the matching points are
 * scored one by one from their stored vectors ({@link Plan#FILTERED_SCAN}, {@link Plan#SCAN});
 * otherwise the segment's inverted index finds the exact top k by block-max pruning, the filter
 * and liveness as its accept test ({@link Plan#INDEX}). Both are exact, so the plan changes speed,
 * never results. A search that meets the index of a segment retired meanwhile falls back to a
 * scan.
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
        FILTERED_SCAN,
        /** The inverted index, with the filter as accept test. */
        INDEX
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
        if (request.params().exact()) {
            return filter == null ? Plan.SCAN : Plan.FILTERED_SCAN;
        }
        if (filter != null) {
            SparseVectorSpec spec = seg.sparseSpecs().get(request.vectorName());
            if (filter.estimate() < spec.effectiveFullScanThreshold()) {
                return Plan.FILTERED_SCAN;
            }
        }
        return seg.sparseIndex(request.vectorName()) == null ? Plan.SCAN : Plan.INDEX;
    }

    /** The best {@code k} hits of {@code seg}, best first (ties: lower offset first). */
    public static List<SegmentSearcher.Hit> search(Segment seg, Request request) {
        if (request.k() <= 0 || request.query().isEmpty()) {
            return List.of();
        }
        Filter f = request.filter();
        OffsetFilter compiled = f == null || f.isEmpty() ? null : seg.compileVisible(f);
        Plan plan = plan(seg, request, compiled);
        TopK top;
        try {
            top = seg.immutable()
                    ? run(seg, request, compiled, plan, request.k())
                    : distinct(seg, request, compiled, plan, request.k());
        } catch (IllegalStateException closed) { // the segment was retired and its index closed
            Plan fallback = compiled == null ? Plan.SCAN : Plan.FILTERED_SCAN;
            top = seg.immutable()
                    ? run(seg, request, compiled, fallback, request.k())
                    : distinct(seg, request, compiled, fallback, request.k());
        }
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
        boolean global = corpus == null || corpus.isEmpty();
        SparseIndexReader index = seg.sparseIndex(name);
        if (global && index != null && seg.immutable()) {
            try {
                return indexStats(seg, name, dims, index);
            } catch (IllegalStateException closed) {
                // retired meanwhile: count from the stored vectors below
            }
        }
        long count = 0;
        long[] df = new long[dims.length];
        OffsetFilter f = global ? null : seg.compileVisible(corpus);
        int limit = seg.offsetLimit();
        for (int off = 0; off < limit; off++) {
            if (!seg.isVisible(off) || (f != null && !f.test(off))) {
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

    private static TopK run(Segment seg, Request request, OffsetFilter filter, Plan plan, int fetch) {
        return plan == Plan.INDEX ? indexSearch(seg, request, filter, fetch) : scan(seg, request, filter, plan, fetch);
    }

    private static TopK indexSearch(Segment seg, Request request, OffsetFilter filter, int fetch) {
        String name = request.vectorName();
        SparseIndexReader index = seg.sparseIndex(name);
        IntPredicate accept;
        RoaringBitmap exact = filter == null ? null : filter.exactOrNull();
        if (exact != null) {
            long[] bits = new long[(seg.offsetLimit() + 63) >>> 6];
            seg.markLiveWithVector(exact, name, bits);
            accept = off -> (off >>> 6) < bits.length && (bits[off >>> 6] & (1L << off)) != 0;
        } else if (filter != null) {
            accept = off -> seg.isVisible(off) && seg.hasVector(off, name) && filter.test(off);
        } else {
            accept = off -> seg.isVisible(off) && seg.hasVector(off, name);
        }
        int k = (int) Math.min(fetch, Math.max(1, (long) index.ordinalLimit()));
        SparseTopK found = index.search(request.query(), k, accept);
        TopK top = new TopK(fetch, found.size());
        for (int i = 0; i < found.size(); i++) {
            top.offer(found.ordinal(i), found.score(i));
        }
        return top;
    }

    /**
     * Statistics from an immutable segment's index: the posting list lengths when nothing is
     * deleted (immutable segments never lose a vector otherwise), else the live postings of each
     * dimension, found by the index itself.
     */
    private static SparseStats indexStats(Segment seg, String name, int[] dims, SparseIndexReader index) {
        long[] df = new long[dims.length];
        if (seg.deletedCount() == 0) {
            for (int i = 0; i < dims.length; i++) {
                df[i] = index.docFrequency(dims[i]);
            }
            return new SparseStats(seg.storedSparseCount(name), df);
        }
        IntPredicate live = off -> seg.isVisible(off) && seg.hasVector(off, name);
        for (int i = 0; i < dims.length; i++) {
            int postings = index.docFrequency(dims[i]);
            if (postings > 0) {
                SparseVector one = new SparseVector(new int[] {dims[i]}, new float[] {1f});
                df[i] = index.search(one, postings, live).size();
            }
        }
        long count = 0;
        int limit = seg.offsetLimit();
        for (int off = 0; off < limit; off++) {
            if (seg.isVisible(off) && seg.hasVector(off, name)) {
                count++;
            }
        }
        return new SparseStats(count, df);
    }

    private static TopK distinct(Segment seg, Request request, OffsetFilter filter, Plan plan, int fetch) {
        int room = fetch;
        for (int attempt = 0; ; attempt++) {
            TopK top = run(seg, request, filter, plan, room);
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
                if (off < limit && seg.isVisible(off)) {
                    visit.accept(off);
                }
            }
            return top;
        }
        for (int off = 0; off < seg.offsetLimit(); off++) { // re-read: appends may land meanwhile
            if (seg.isVisible(off) && (filter == null || filter.test(off))) {
                visit.accept(off);
            }
        }
        return top;
    }
}
