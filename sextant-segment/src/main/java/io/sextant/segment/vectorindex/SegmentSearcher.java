package io.sextant.segment.vectorindex;

import io.sextant.index.MemorySegmentScorerSupplier;
import io.sextant.index.ScoreFunction;
import io.sextant.index.VectorScorer;
import io.sextant.index.hnsw.FilterTraversal;
import io.sextant.index.hnsw.HnswSearcher;
import io.sextant.index.hnsw.SearchResult;
import io.sextant.segment.PointId;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.index.OffsetFilter;
import io.sextant.segment.query.ExampleScore;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.storage.Segment;
import io.sextant.vector.Distance;
import io.sextant.vector.VectorKernels;
import io.sextant.vector.quant.OrdinalScorer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Searches one named vector of one segment: the query planner and its execution.
 *
 * <p>The plan ({@link #plan}): {@code exact: true} or a segment without a graph scans; without a
 * filter a graph is walked (unless the request asks for at least every live point, or the walk
 * ends with fewer hits than it should: then the segment is scanned, so no point is missed because
 * the graph cannot reach it); with a filter, the filter's cardinality estimate from the payload
 * indexes ({@link OffsetFilter#estimate()}, an upper bound) is compared with {@code
 * full_scan_threshold} converted from KB to vectors (Qdrant's semantics): below it the matching
 * offsets are scanned exactly (from the index bitmap when the filter is fully indexed), else the
 * graph is walked with the filter as accept set ({@link FilterTraversal#TWO_HOP} when the estimate
 * is under a fifth of the segment, {@link FilterTraversal#SCORE_ALL} otherwise).
 *
 * <p>Quantization: unless {@code exact} or {@code quantization.ignore}, a segment with codes scores
 * with them (in the graph and in scans), fetches {@code ceil(k * oversampling)} candidates and, when
 * {@code rescore} (the default), re-scores them on the original vectors.
 *
 * <p>A scan of an appendable segment returns each point once even while updates move points
 * within it (see {@code scanDistinct}).
 *
 * <p>Memory is bounded by the segment, not by the request: {@code k}, {@code hnsw_ef} and {@code k *
 * oversampling} may each be up to {@link Integer#MAX_VALUE}, but every top-k starts at the number of
 * points the segment can offer and grows only as hits arrive ({@link TopK}), and the beam width is
 * clamped to the graph's size (a wider beam than there are nodes finds nothing more).
 *
 * <p>Scores are returned as Qdrant reports them (distance for Euclid and Manhattan). Stateless and
 * thread-safe; a graph replaced or unmapped while a search walks it makes that search fall back to
 * a scan, so a search never fails because an optimization finished.
 */
public final class SegmentSearcher {
    private static final int SCAN_BATCH = 64;

    private SegmentSearcher() {}

    /** How a segment is searched. */
    public enum Plan {
        /** Every live vector scored. */
        FULL_SCAN,
        /** Only the offsets matching the filter scored. */
        FILTERED_SCAN,
        /** Graph search. */
        GRAPH,
        /** Graph search with the filter as accept set. */
        FILTERED_GRAPH
    }

    /**
     * One segment search.
     *
     * @param vectorName the named vector
     * @param vector the query, normalized already for Cosine
     * @param filter the filter, {@link Filter#ALL} for none
     * @param k hits wanted
     * @param scoreThreshold drop hits worse than this (Qdrant's score); null for none
     * @param params search parameters
     * @param examples when set, candidates are ranked by this example score (see {@link
     *     ExampleScore}; its examples normalized already for Cosine) and {@code vector} is unused
     */
    public record Request(
            String vectorName,
            float[] vector,
            Filter filter,
            int k,
            Float scoreThreshold,
            SearchParams params,
            ExampleScore examples) {
        /** A plain search by distance to {@code vector}. */
        public Request(
                String vectorName, float[] vector, Filter filter, int k, Float scoreThreshold, SearchParams params) {
            this(vectorName, vector, filter, k, scoreThreshold, params, null);
        }
    }

    /** A hit: segment offset and Qdrant score. */
    public record Hit(int offset, float score) {}

    /** The plan for {@code request} on {@code seg}; {@code filter} is the compiled filter or null for none. */
    public static Plan plan(Segment seg, Request request, OffsetFilter filter) {
        SegmentGraph graph = request.params().exact() ? null : seg.graph(request.vectorName());
        if (filter == null) {
            // asked for the whole segment: a scan returns every live point, a graph walk only the
            // reachable ones (HNSW does not guarantee every node an in-link)
            return graph == null || request.k() >= seg.liveCount() ? Plan.FULL_SCAN : Plan.GRAPH;
        }
        if (graph == null) {
            return Plan.FILTERED_SCAN;
        }
        VectorSpec spec = seg.specs().get(request.vectorName());
        return filter.estimate() < SegmentIndexBuilder.fullScanVectors(spec) ? Plan.FILTERED_SCAN : Plan.FILTERED_GRAPH;
    }

    /** The best {@code k} hits of {@code seg}, best first. */
    public static List<Hit> search(Segment seg, Request request) {
        if (request.k() <= 0) {
            return List.of();
        }
        Filter f = request.filter();
        OffsetFilter compiled = f == null || f.isEmpty() ? null : seg.compileVisible(f);
        Plan plan = plan(seg, request, compiled);
        if (request.examples() != null) {
            return searchByExamples(seg, request, compiled, plan);
        }
        String name = request.vectorName();
        SearchParams params = request.params();
        QuantizedVectors codes = params.exact() || params.quantization().ignore() ? null : seg.quantized(name);
        int fetch = codes == null
                ? request.k()
                : (int) Math.min(
                        Integer.MAX_VALUE,
                        Math.ceil(request.k() * params.quantization().effectiveOversampling()));
        Distance d = seg.specs().get(name).distance();
        // multivectors: one max_sim scorer (graph-side keys) for the graph walk and for scans
        VectorScorer multi = seg.multiVectors(name) == null
                ? null
                : codes != null
                        ? MultiVectorScorers.quantized(seg, name, codes, request.vector())
                        : MultiVectorScorers.exact(seg, name, request.vector());
        TopK top = null;
        boolean graphSpace = codes != null || multi != null;
        if (plan == Plan.GRAPH || plan == Plan.FILTERED_GRAPH) {
            try {
                top = graphSearch(seg, request, compiled, codes, multi, fetch, plan);
                graphSpace = true;
                if (plan == Plan.GRAPH && top.size() < Math.min(fetch, seg.liveCount())) {
                    top = null; // unfiltered walk ended short (unreachable nodes): every point counts
                    graphSpace = codes != null || multi != null;
                }
            } catch (IllegalStateException unmapped) {
                top = null; // the graph was replaced or the segment retired meanwhile: scan instead
            }
        }
        if (top == null) {
            VectorScorer rows = multi != null ? multi : codes == null ? immutableRowScorer(seg, request) : null;
            top = rows != null && seg.immutable()
                    ? bulkScan(seg, request, compiled, rows, fetch)
                    : seg.immutable()
                            ? scan(seg, request, compiled, codes, fetch)
                            : scanDistinct(seg, request, compiled, codes, multi, fetch);
            graphSpace |= rows != null;
        }
        List<Hit> hits = new ArrayList<>(top.size());
        boolean rescore = codes != null && params.quantization().effectiveRescore();
        for (int i = 0; i < top.size(); i++) {
            int off = top.offset(i);
            float score;
            if (rescore) {
                score = seg.score(name, request.vector(), off);
            } else if (graphSpace) {
                score = ScoreFunction.toDistanceScore(d, top.key(i));
            } else {
                score = d.higherIsBetter() ? top.key(i) : -top.key(i);
            }
            Float t = request.scoreThreshold();
            if (t == null || (d.higherIsBetter() ? score >= t : score <= t)) {
                hits.add(new Hit(off, score));
            }
        }
        Comparator<Hit> best = Comparator.comparingDouble(Hit::score);
        hits.sort(d.higherIsBetter() ? best.reversed() : best);
        return hits.size() > request.k() ? List.copyOf(hits.subList(0, request.k())) : hits;
    }

    /**
     * An example-scored search ({@code discover}, {@code context}, recommend best/sum scores, …):
     * the graph is walked (or the segment scanned, by the same plan as a plain search) with the
     * example score as the key, computed exactly on the stored vectors with Qdrant's similarities
     * (dot product, or negated L2 / L1 distance); quantized codes are not used. Scores are reported
     * as computed, higher is better.
     */
    private static List<Hit> searchByExamples(Segment seg, Request request, OffsetFilter compiled, Plan plan) {
        String name = request.vectorName();
        Distance d = seg.specs().get(name).distance();
        ExampleScore examples = request.examples();
        float[][] ex = examples.examples().toArray(float[][]::new);
        VectorScorer scorer = off -> {
            float[] v = seg.scoringVector(off, name);
            if (v == null) {
                return Float.NEGATIVE_INFINITY;
            }
            float[] sims = new float[ex.length];
            for (int i = 0; i < ex.length; i++) {
                float x = io.sextant.vector.Similarity.score(d, ex[i], v);
                sims[i] = d.higherIsBetter() ? x : -x;
            }
            return examples.combine(sims);
        };
        int fetch = request.k();
        TopK top = null;
        if (plan == Plan.GRAPH || plan == Plan.FILTERED_GRAPH) {
            try {
                top = walk(seg, request, compiled, scorer, fetch, plan);
                if (plan == Plan.GRAPH && top.size() < Math.min(fetch, seg.liveCount())) {
                    top = null; // unreachable nodes: scan so no point is missed
                }
            } catch (IllegalStateException unmapped) {
                top = null;
            }
        }
        if (top == null) {
            top = scanWith(seg, request, compiled, scorer, fetch);
        }
        List<Hit> hits = new ArrayList<>(top.size());
        for (int i = 0; i < top.size(); i++) {
            float score = top.key(i);
            Float t = request.scoreThreshold();
            if (score != Float.NEGATIVE_INFINITY && (t == null || score >= t)) {
                hits.add(new Hit(top.offset(i), score));
            }
        }
        hits.sort(Comparator.comparingDouble(Hit::score).reversed());
        return hits.size() > request.k() ? List.copyOf(hits.subList(0, request.k())) : hits;
    }

    private static TopK graphSearch(
            Segment seg,
            Request request,
            OffsetFilter filter,
            QuantizedVectors codes,
            VectorScorer multi,
            int fetch,
            Plan plan) {
        String name = request.vectorName();
        VectorSpec spec = seg.specs().get(name);
        SegmentGraph graph = seg.graph(name);
        if (graph == null) {
            throw new IllegalStateException("graph detached");
        }
        VectorScorer scorer;
        if (multi != null) {
            scorer = multi;
        } else if (codes != null) {
            scorer = codes.prefetchingScorer(request.vector());
        } else {
            scorer = immutableRowScorer(seg, request); // a segment with a graph is immutable
        }
        if (scorer == null) { // float16 / uint8: decode per scored vector
            ScoreFunction f = ScoreFunction.of(spec.distance());
            VectorKernels kernels = VectorKernels.get();
            float[] q = request.vector();
            scorer = ord -> {
                float[] v = seg.scoringVector(ord, name);
                return v == null ? Float.NEGATIVE_INFINITY : f.compare(kernels, q, v);
            };
        }
        return walk(seg, request, filter, scorer, fetch, plan);
    }

    /** Walks {@code seg}'s graph with {@code scorer} (higher is closer), the filter as accept set. */
    private static TopK walk(
            Segment seg, Request request, OffsetFilter filter, VectorScorer scorer, int fetch, Plan plan) {
        String name = request.vectorName();
        VectorSpec spec = seg.specs().get(name);
        SegmentGraph graph = seg.graph(name);
        if (graph == null) {
            throw new IllegalStateException("graph detached");
        }
        IntPredicate accept = null;
        RoaringBitmap exact = filter == null ? null : filter.exactOrNull();
        if (exact != null) {
            long[] bits = acceptBits(seg, name, exact);
            accept = off -> (bits[off >>> 6] & (1L << off)) != 0;
        } else if (filter != null) {
            accept = off -> seg.isVisible(off) && seg.hasVector(off, name) && filter.test(off);
        } else if (seg.deletedCount() > 0) {
            accept = off -> seg.isVisible(off) && seg.hasVector(off, name);
        }
        FilterTraversal traversal =
                plan == Plan.FILTERED_GRAPH && SegmentIndexBuilder.walksTwoHop(filter.estimate(), seg.liveCount())
                        ? FilterTraversal.TWO_HOP
                        : FilterTraversal.SCORE_ALL;
        Integer efParam = request.params().hnswEf();
        int ef = Math.max(efParam != null ? efParam : spec.hnsw().efConstruct(), fetch);
        HnswSearcher searcher = graph.borrow();
        // a beam wider than the graph visits nothing more; fetch (>= 1) is at most what can be found
        ef = Math.min(ef, Math.max(1, searcher.graph().size()));
        fetch = Math.min(fetch, Math.max(1, searcher.graph().size()));
        SearchResult result;
        try {
            result = searcher.search(scorer, fetch, ef, accept, traversal);
        } finally {
            graph.release(searcher);
        }
        TopK top = new TopK(fetch, result.size());
        for (int i = 0; i < result.size(); i++) {
            top.offer(result.ordinals()[i], result.scores()[i]);
        }
        return top;
    }

    /**
     * The live offsets of {@code exact} that have the vector, as a bitset: a graph walk tests the
     * filter for every neighbour it meets (and for their neighbours under {@link
     * FilterTraversal#TWO_HOP}), and a bit test is far cheaper than a bitmap lookup plus the
     * liveness checks.
     */
    private static long[] acceptBits(Segment seg, String name, RoaringBitmap exact) {
        long[] bits = new long[(seg.offsetLimit() + 63) >>> 6];
        seg.markLiveWithVector(exact, name, bits);
        return bits;
    }

    /**
     * A graph-space scorer over the float32 rows of an immutable segment (whose rows never move),
     * else null.
     */
    private static VectorScorer immutableRowScorer(Segment seg, Request request) {
        String name = request.vectorName();
        if (!seg.immutable() || seg.rows(name) == null) {
            return null;
        }
        VectorSpec spec = seg.specs().get(name);
        return new MemorySegmentScorerSupplier(seg.rows(name), spec.size(), seg.offsetLimit(), spec.distance())
                .queryScorer(request.vector());
    }

    /**
     * Exact scan of an immutable segment's float32 rows, {@value #SCAN_BATCH} offsets per {@link
     * VectorScorer#bulkScore} call; keys are graph scores (see {@link ScoreFunction}).
     */
    private static TopK bulkScan(Segment seg, Request request, OffsetFilter filter, VectorScorer rows, int fetch) {
        String name = request.vectorName();
        TopK top = new TopK(fetch, expectedHits(seg));
        int[] batch = new int[SCAN_BATCH];
        float[] scores = new float[SCAN_BATCH];
        int n = 0;
        int limit = seg.offsetLimit();
        RoaringBitmap exact = filter == null ? null : filter.exactOrNull();
        IntIterator it = exact != null ? exact.getIntIterator() : null;
        for (int off = 0; ; ) {
            int candidate;
            if (it != null) {
                if (!it.hasNext()) {
                    break;
                }
                candidate = it.next();
                if (candidate >= limit) {
                    break;
                }
            } else {
                if (off >= limit) {
                    break;
                }
                candidate = off++;
                if (filter != null && !filter.test(candidate)) {
                    continue;
                }
            }
            if (!seg.isVisible(candidate) || !seg.hasVector(candidate, name)) {
                continue;
            }
            batch[n++] = candidate;
            if (n == SCAN_BATCH) {
                scoreBatch(rows, batch, n, scores);
                for (int i = 0; i < n; i++) {
                    top.offer(batch[i], scores[i]);
                }
                n = 0;
            }
        }
        scoreBatch(rows, batch, n, scores);
        for (int i = 0; i < n; i++) {
            top.offer(batch[i], scores[i]);
        }
        return top;
    }

    /**
     * Scores an ascending batch of offsets: rows that lie (nearly) next to each other one by one,
     * which the CPU streams from memory in order, scattered rows through the multi-row kernels,
     * which keep several rows' loads in flight. Eight neighbouring rows interleaved were slower than
     * the same rows one after another: an exact Cosine scan of 20,000 384-float rows took 77-125 ns
     * per row through the eight-row kernel against 51-64 ns one by one ({@code ExactScanBench 20000
     * COSINE indexed} in sextant-bench, alternated runs).
     */
    private static void scoreBatch(VectorScorer rows, int[] batch, int n, float[] scores) {
        if (n > 0 && batch[n - 1] - batch[0] < 2 * n) {
            for (int i = 0; i < n; i++) {
                scores[i] = rows.score(batch[i]);
            }
        } else {
            rows.bulkScore(batch, n, scores);
        }
    }

    /**
     * Exact scan of an appendable segment, whose points can move to a new offset while the scan
     * runs: an update appends the new copy and then deletes the old one, so the scan can meet both
     * copies live. Duplicates in a full top-k would crowd other points out (a request for every
     * point would come back short), so only the newest copy of each id is kept (the higher offset:
     * appends only grow), and when duplicates filled the top-k the scan runs again with room for
     * them.
     */
    private static TopK scanDistinct(
            Segment seg, Request request, OffsetFilter filter, QuantizedVectors codes, VectorScorer multi, int fetch) {
        int room = fetch;
        for (int attempt = 0; ; attempt++) {
            TopK top = multi != null
                    ? scanWith(seg, request, filter, multi, room)
                    : scan(seg, request, filter, codes, room);
            Map<PointId, Integer> newest = new HashMap<>();
            for (int i = 0; i < top.size(); i++) {
                newest.merge(seg.idAt(top.offset(i)), i, (a, b) -> top.offset(a) > top.offset(b) ? a : b);
            }
            int duplicates = top.size() - newest.size();
            if (duplicates == 0) {
                return top.size() <= fetch ? top : best(top, fetch);
            }
            // all seen copies fit: nothing was crowded out; else (rarely) scan again with more room
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

    /** The live points of {@code seg}: what a scan can offer a top-k (appends may add a few more). */
    private static int expectedHits(Segment seg) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, seg.liveCount()));
    }

    private static TopK best(TopK top, int k) {
        TopK out = new TopK(k, top.size());
        for (int i = 0; i < top.size(); i++) {
            out.offer(top.offset(i), top.key(i));
        }
        return out;
    }

    private static TopK scan(Segment seg, Request request, OffsetFilter filter, QuantizedVectors codes, int fetch) {
        String name = request.vectorName();
        Distance d = seg.specs().get(name).distance();
        float[] q = request.vector();
        OrdinalScorer qs = codes == null ? null : codes.scorer(q);
        boolean higher = d.higherIsBetter();
        return scanWith(
                seg,
                request,
                filter,
                qs != null
                        ? qs::score
                        : off -> {
                            float s = seg.score(name, q, off);
                            return higher ? s : -s;
                        },
                fetch);
    }

    /** Scores with {@code scorer} (keys as it gives them) every live offset that passes the filter. */
    private static TopK scanWith(Segment seg, Request request, OffsetFilter filter, VectorScorer scorer, int fetch) {
        String name = request.vectorName();
        TopK top = new TopK(fetch, expectedHits(seg));
        java.util.function.IntConsumer visit = off -> {
            if (seg.hasVector(off, name)) {
                top.offer(off, scorer.score(off));
            }
        };
        if (filter == null) {
            for (int off = 0; off < seg.offsetLimit(); off++) { // re-read: appends may land meanwhile
                if (seg.isVisible(off)) {
                    visit.accept(off);
                }
            }
            return top;
        }
        int limit = seg.offsetLimit();
        RoaringBitmap exact = filter.exactOrNull();
        if (exact != null) {
            for (IntIterator it = exact.getIntIterator(); it.hasNext(); ) {
                int off = it.next();
                if (off < limit && seg.isVisible(off)) {
                    visit.accept(off);
                }
            }
            return top;
        }
        for (int off = 0; off < limit; off++) {
            if (seg.isVisible(off) && filter.test(off)) {
                visit.accept(off);
            }
        }
        return top;
    }
}
