package io.sextant.collection.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.collection.OperationValidator;
import io.sextant.collection.config.VectorParams;
import io.sextant.segment.PointId;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.ExampleScore;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ResultWindow;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.ScrollPage;
import io.sextant.shard.ScrollRequest;
import io.sextant.vector.sparse.SparseVector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Executes universal queries against one collection ({@link QueryTarget}), following Qdrant's
 * semantics:
 *
 * <ul>
 *   <li>Prefetches run first, each with the parent's filter AND its own; the outer query then
 *       re-scores only their candidates (nearest, recommend, order_by) or fuses their ranked lists
 *       (RRF, DBSF, see {@link ScoreFusion}). Outer score_threshold, offset and limit apply last.
 *   <li>Point-id inputs are resolved to that point's vector ({@code lookup_from} or this
 *       collection); points of this collection used as inputs are excluded from the results.
 *   <li>Recommend average_vector becomes one nearest search. best_score and sum_scores, and
 *       discover, context and relevance_feedback ({@link ExampleQuery}, {@link DiscoveryScoring}),
 *       over single dense vectors without prefetch, are example-scored searches ({@link
 *       ExampleScore}): each segment walks its HNSW graph (or scans, by the usual plan) ranking by
 *       the example score, as Qdrant plugs these scorers into the traversal. Over prefetch
 *       candidates, multivectors or sparse vectors they are scored here exactly: the candidates,
 *       or every matching point up to {@link #EXACT_SCAN_LIMIT}, beyond that the union of nearest
 *       searches seeded by the examples.
 *   <li>sample: random ({@link RandomSample}): a uniform sample of the matching points, or the
 *       prefetch candidates shuffled.
 *   <li>Qdrant's checks of how parts combine ({@link QueryShapeCheck}) run per level, after the
 *       prefetches (whose lookup errors are thus reported first).
 *   <li>Without a query (and so without prefetches): points in id order with score 0.
 * </ul>
 *
 * <p>Sizes from the request ({@code limit}, {@code offset}, {@code group_size}) may each be up to
 * {@link Integer#MAX_VALUE}: their sums and products saturate ({@link ResultWindow}) and nothing is
 * allocated by them, only by the points found, so a request's memory is bounded by what it can
 * return.
 *
 * <p>Size: close to DESIGN.md's 800 lines. It dispatches every query kind; the per-kind scoring
 * lives in its own classes (ExampleQuery, DiscoveryScoring, RecommendScoring, ScoreFusion,
 * MaximalMarginalRelevance, RandomSample, formula) and grouping in {@link GroupedHits}. The next
 * split is the candidate gathering for exactly scored queries ({@code recommendCandidates}, {@code
 * scrollAll}, {@code prefetched}) into a class of its own.
 *
 * <p>Thread-safe: holds no mutable state.
 */
public final class QueryEngine {
    /** Up to this many matching points, best_score/sum_scores recommend scores every point. */
    public static final int EXACT_SCAN_LIMIT = 20_000;

    private static final int MAX_GROUP_FETCH = 100_000;

    private final QueryTarget self;
    private final InputResolver inputs;

    /**
     * @param self the collection queried
     * @param resolver resolves other collections for {@code lookup_from} and {@code with_lookup}
     */
    public QueryEngine(QueryTarget self, Function<String, ? extends QueryTarget> resolver) {
        this.self = self;
        this.inputs = new InputResolver(self, resolver);
    }

    /** Best-first order for scores where larger (or smaller) is better; ties by id. */
    public static Comparator<ScoredPoint> byScore(boolean higherIsBetter) {
        Comparator<ScoredPoint> c = Comparator.comparingDouble(ScoredPoint::score);
        return (higherIsBetter ? c.reversed() : c).thenComparing(ScoredPoint::id);
    }

    /** A ranked list and the orientation of its scores. */
    private record Ranked(List<ScoredPoint> points, boolean higherIsBetter) {}

    /** Runs a query; hits best first, with payload and vectors as requested. */
    public List<ScoredPoint> query(QueryRequest request) {
        return execute(
                        request,
                        request.filter(),
                        request.limit(),
                        request.offset(),
                        request.withPayload(),
                        request.withVector())
                .points();
    }

    private Ranked execute(
            QueryRequest req, Filter filter, int limit, int offset, PayloadSelector wp, VectorSelector wv) {
        if (req.lookupFrom() != null) {
            inputs.collection(req.lookupFrom().collection()); // 404 even when no input is an id
        }
        List<Ranked> pre = new ArrayList<>();
        for (QueryRequest p : req.prefetch()) {
            pre.add(execute(p, and(filter, p.filter()), p.limit(), 0, PayloadSelector.NONE, VectorSelector.NONE));
        }
        QueryShapeCheck.check(req);
        boolean hasPrefetch = !req.prefetch().isEmpty();
        Query q = req.query();
        if (q == null) { // no prefetches either (QueryShapeCheck)
            return scrollById(filter, limit, offset, wp, wv);
        }
        return switch (q) {
            case Query.Nearest n
            when isSparse(req.using()) -> {
                Set<PointId> excluded = new LinkedHashSet<>();
                SparseVector vector =
                        inputs.sparse(List.of(n.vector()), req, excluded).get(0);
                yield n.mmr() != null
                        ? mmrSparse(n.mmr(), req, vector, excluded, filter, pre, hasPrefetch, limit, offset, wp, wv)
                        : nearestSparse(req, vector, excluded, filter, pre, hasPrefetch, limit, offset, wp, wv);
            }
            case Query.Nearest n -> {
                VectorParams vp = OperationValidator.vectorParams(self.config(), req.using());
                Set<PointId> excluded = new LinkedHashSet<>();
                float[] vector =
                        inputs.dense(List.of(n.vector()), req, vp, excluded).get(0);
                yield n.mmr() != null
                        ? mmrDense(n.mmr(), req, vp, vector, excluded, filter, pre, hasPrefetch, limit, offset, wp, wv)
                        : nearest(req, vp, vector, excluded, filter, pre, hasPrefetch, limit, offset, wp, wv);
            }
            case Query.Recommend r
            when isSparse(req.using()) -> recommendSparse(r, req, filter, pre, hasPrefetch, limit, offset, wp, wv);
            case Query.Recommend r -> recommend(r, req, filter, pre, hasPrefetch, limit, offset, wp, wv);
            case Query.Fusion f -> {
                if (!hasPrefetch) {
                    throw UserException.badRequest("Wrong input: Fusion queries require at least one prefetch");
                }
                List<List<ScoredPoint>> lists = pre.stream().map(Ranked::points).toList();
                List<ScoredPoint> fused = f.method() == Query.FusionMethod.RRF
                        ? rrf(lists, f)
                        : ScoreFusion.dbsf(
                                lists, pre.stream().map(Ranked::higherIsBetter).toList());
                yield new Ranked(attach(page(threshold(fused, req.scoreThreshold()), offset, limit), wp, wv), true);
            }
            case Query.OrderBy o -> orderBy(o, filter, pre, hasPrefetch, limit, offset, wp, wv);
            case Query.Formula f -> {
                if (!hasPrefetch) {
                    throw UserException.badRequest("Wrong input: Formula queries require at least one prefetch");
                }
                List<ScoredPoint> scored = io.sextant.collection.query.formula.FormulaRescorer.rescore(
                        f.formula(), pre.stream().map(Ranked::points).toList(), self, req.scoreThreshold());
                yield new Ranked(attach(page(scored, offset, limit), wp, wv), true);
            }
            case Query.Discover d -> byExamples(d, req, filter, pre, hasPrefetch, limit, offset, wp, wv);
            case Query.Context c -> byExamples(c, req, filter, pre, hasPrefetch, limit, offset, wp, wv);
            case Query.RelevanceFeedback f -> byExamples(f, req, filter, pre, hasPrefetch, limit, offset, wp, wv);
            case Query.Sample s -> {
                Map<PointId, ScoredPoint> cands = new LinkedHashMap<>();
                if (hasPrefetch) {
                    pre.forEach(r -> r.points()
                            .forEach(p -> cands.putIfAbsent(
                                    p.id(), new ScoredPoint(p.id(), p.version(), 0f, null, null, null))));
                } else {
                    for (PointRecord r : RandomSample.matching(self, filter, ResultWindow.end(offset, limit))) {
                        cands.put(r.id(), new ScoredPoint(r.id(), r.version(), 0f, null, null, null));
                    }
                }
                List<ScoredPoint> out = RandomSample.shuffled(cands.values());
                yield new Ranked(attach(page(out, offset, limit), wp, wv), true);
            }
        };
    }

    private static List<ScoredPoint> rrf(List<List<ScoredPoint>> lists, Query.Fusion f) {
        try {
            return ScoreFusion.rrf(lists, f.rrfK() == null ? ScoreFusion.DEFAULT_RRF_K : f.rrfK(), f.weights());
        } catch (IllegalArgumentException e) {
            throw UserException.badRequest("Validation error: " + e.getMessage());
        }
    }

    /** Nearest candidates of {@code req.using()}, with that vector, for MMR re-ranking. */
    private static int mmrFetch(Query.Mmr mmr, int limit, int offset) {
        return mmr.candidatesLimit() == null ? ResultWindow.end(offset, limit) : mmr.candidatesLimit();
    }

    private Ranked mmrDense(
            Query.Mmr mmr,
            QueryRequest req,
            VectorParams vp,
            float[] vector,
            Set<PointId> excluded,
            Filter filter,
            List<Ranked> pre,
            boolean hasPrefetch,
            int limit,
            int offset,
            PayloadSelector wp,
            VectorSelector wv) {
        VectorSelector own = new VectorSelector.Names(List.of(req.using()));
        List<ScoredPoint> cands = nearest(
                        req,
                        vp,
                        vector,
                        excluded,
                        filter,
                        pre,
                        hasPrefetch,
                        mmrFetch(mmr, limit, offset),
                        0,
                        PayloadSelector.NONE,
                        own)
                .points();
        VectorSpec spec = vp.toSpec();
        float[] q = spec.normalizedQuery(vector);
        List<float[]> vs = new ArrayList<>(cands.size());
        for (ScoredPoint p : cands) {
            vs.add(spec.normalizedQuery(p.vectors().get(req.using())));
        }
        RecommendScoring.PairSimilarity sim = similarity(vp);
        float[] rel = new float[cands.size()];
        for (int i = 0; i < rel.length; i++) {
            rel[i] = sim.of(q, vs.get(i));
        }
        List<ScoredPoint> picked =
                MaximalMarginalRelevance.select(cands, vs, rel, sim::of, mmr.lambda(), ResultWindow.end(offset, limit));
        return new Ranked(
                attach(bare(page(picked, offset, limit)), wp, wv), vp.distance().higherIsBetter());
    }

    private Ranked mmrSparse(
            Query.Mmr mmr,
            QueryRequest req,
            SparseVector vector,
            Set<PointId> excluded,
            Filter filter,
            List<Ranked> pre,
            boolean hasPrefetch,
            int limit,
            int offset,
            PayloadSelector wp,
            VectorSelector wv) {
        VectorSelector own = new VectorSelector.Names(List.of(req.using()));
        List<ScoredPoint> cands = nearestSparse(
                        req,
                        vector,
                        excluded,
                        filter,
                        pre,
                        hasPrefetch,
                        mmrFetch(mmr, limit, offset),
                        0,
                        PayloadSelector.NONE,
                        own)
                .points();
        List<SparseVector> vs = new ArrayList<>(cands.size());
        float[] rel = new float[cands.size()];
        for (int i = 0; i < rel.length; i++) {
            vs.add(cands.get(i).sparseVectors().get(req.using()));
            rel[i] = vs.get(i).dot(vector);
        }
        List<ScoredPoint> picked = MaximalMarginalRelevance.select(
                cands, vs, rel, SparseVector::dot, mmr.lambda(), ResultWindow.end(offset, limit));
        return new Ranked(attach(bare(page(picked, offset, limit)), wp, wv), true);
    }

    /** Hits without their payload and vectors (fetched for re-ranking, not asked for). */
    private static List<ScoredPoint> bare(List<ScoredPoint> hits) {
        return hits.stream()
                .map(h -> new ScoredPoint(h.id(), h.version(), h.score(), null, null, null))
                .toList();
    }

    private Ranked nearest(
            QueryRequest req,
            VectorParams vp,
            float[] vector,
            Set<PointId> excluded,
            Filter filter,
            List<Ranked> pre,
            boolean hasPrefetch,
            int limit,
            int offset,
            PayloadSelector wp,
            VectorSelector wv) {
        Filter f = excludeIds(filter, excluded);
        if (hasPrefetch) {
            Set<PointId> candidates = candidateIds(pre);
            if (candidates.isEmpty()) {
                return new Ranked(List.of(), vp.distance().higherIsBetter());
            }
            f = and(f, Filter.must(new Condition.HasIdCondition(candidates)));
        }
        vector = vp.toSpec().normalizedQuery(vector);
        List<ScoredPoint> hits = self.search(
                new CoreSearch(req.using(), vector, f, limit, offset, req.scoreThreshold(), req.params(), wp, wv));
        return new Ranked(hits, vp.distance().higherIsBetter());
    }

    /** How examples and candidates of {@code vp} compare: per vector, or max_sim for multivectors. */
    private static RecommendScoring.PairSimilarity similarity(VectorParams vp) {
        return RecommendScoring.PairSimilarity.of(vp.distance(), vp.multivectorConfig() != null ? vp.size() : 0);
    }

    private boolean isSparse(String using) {
        return using != null && self.config().sparseVector(using) != null;
    }

    private Ranked nearestSparse(
            QueryRequest req,
            SparseVector vector,
            Set<PointId> excluded,
            Filter filter,
            List<Ranked> pre,
            boolean hasPrefetch,
            int limit,
            int offset,
            PayloadSelector wp,
            VectorSelector wv) {
        Filter f = excludeIds(filter, excluded);
        if (hasPrefetch) {
            Set<PointId> candidates = candidateIds(pre);
            if (candidates.isEmpty()) {
                return new Ranked(List.of(), true);
            }
            f = and(f, Filter.must(new Condition.HasIdCondition(candidates)));
        }
        List<ScoredPoint> hits = self.search(new CoreSearch(
                req.using(), null, f, limit, offset, req.scoreThreshold(), req.params(), wp, wv, vector));
        return new Ranked(hits, true);
    }

    private Ranked recommendSparse(
            Query.Recommend r,
            QueryRequest req,
            Filter filter,
            List<Ranked> pre,
            boolean hasPrefetch,
            int limit,
            int offset,
            PayloadSelector wp,
            VectorSelector wv) {
        Set<PointId> excluded = new LinkedHashSet<>();
        List<SparseVector> pos = inputs.sparse(r.positive(), req, excluded);
        List<SparseVector> neg = inputs.sparse(r.negative(), req, excluded);
        if (r.strategy() == Query.RecommendStrategy.AVERAGE_VECTOR) {
            if (pos.isEmpty()) {
                throw UserException.badRequest(
                        "Wrong input: At least one positive example is required for the average_vector strategy");
            }
            SparseVector avg = SparseRecommend.averageVector(pos, neg);
            return nearestSparse(req, avg, excluded, filter, pre, hasPrefetch, limit, offset, wp, wv);
        }
        if (pos.isEmpty() && neg.isEmpty()) {
            throw UserException.unprocessable(
                    "Validation error: At least one positive or negative example is required");
        }
        Filter f = excludeIds(filter, excluded);
        VectorSelector vs = new VectorSelector.Names(List.of(req.using()));
        // every matching point: sparse recommend scores exactly
        List<PointRecord> candidates = hasPrefetch ? prefetched(pre, excluded, vs) : scrollAll(f, vs);
        List<ScoredPoint> scored = new ArrayList<>();
        for (PointRecord c : candidates) {
            SparseVector v =
                    c.sparseVectors() == null ? null : c.sparseVectors().get(req.using());
            if (v == null || excluded.contains(c.id())) {
                continue;
            }
            float s = r.strategy() == Query.RecommendStrategy.BEST_SCORE
                    ? SparseRecommend.bestScore(v, pos, neg)
                    : SparseRecommend.sumScores(v, pos, neg);
            scored.add(new ScoredPoint(c.id(), c.version(), s, null, null, null));
        }
        scored.sort(byScore(true));
        return new Ranked(attach(page(threshold(scored, req.scoreThreshold()), offset, limit), wp, wv), true);
    }

    private Ranked recommend(
            Query.Recommend r,
            QueryRequest req,
            Filter filter,
            List<Ranked> pre,
            boolean hasPrefetch,
            int limit,
            int offset,
            PayloadSelector wp,
            VectorSelector wv) {
        VectorParams vp = OperationValidator.vectorParams(self.config(), req.using());
        Set<PointId> excluded = new LinkedHashSet<>();
        List<float[]> pos = inputs.dense(r.positive(), req, vp, excluded);
        List<float[]> neg = inputs.dense(r.negative(), req, vp, excluded);
        if (r.strategy() == Query.RecommendStrategy.AVERAGE_VECTOR) {
            if (pos.isEmpty()) {
                throw UserException.badRequest(
                        "Wrong input: At least one positive example is required for the average_vector strategy");
            }
            float[] avg = vp.multivectorConfig() != null
                    ? RecommendScoring.concatenated(pos, neg)
                    : RecommendScoring.averageVector(pos, neg, vp.size());
            return nearest(req, vp, avg, excluded, filter, pre, hasPrefetch, limit, offset, wp, wv);
        }
        if (pos.isEmpty() && neg.isEmpty()) {
            throw UserException.unprocessable(
                    "Validation error: At least one positive or negative example is required");
        }
        Filter f = excludeIds(filter, excluded);
        if (!hasPrefetch && vp.multivectorConfig() == null) {
            List<float[]> all = new ArrayList<>(pos);
            all.addAll(neg);
            ExampleScore es = r.strategy() == Query.RecommendStrategy.BEST_SCORE
                    ? new ExampleScore.BestScore(all, pos.size())
                    : new ExampleScore.SumScores(all, pos.size());
            return exampleSearch(req, f, es, limit, offset, wp, wv);
        }
        RecommendScoring.PairSimilarity sim = similarity(vp);
        List<PointRecord> candidates = hasPrefetch
                ? self.retrieve(
                        List.copyOf(candidateIds(pre)),
                        PayloadSelector.NONE,
                        new VectorSelector.Names(List.of(req.using())))
                : recommendCandidates(req, f, pos, neg, vp, ResultWindow.end(offset, limit));
        Set<PointId> allowed = null;
        if (hasPrefetch && !f.isEmpty()) {
            // prefetch candidates already satisfy the propagated filter except the excluded ids
            allowed = new LinkedHashSet<>(candidateIds(pre));
            allowed.removeAll(excluded);
        }
        List<ScoredPoint> scored = new ArrayList<>();
        for (PointRecord c : candidates) {
            if (excluded.contains(c.id()) || (allowed != null && !allowed.contains(c.id()))) {
                continue;
            }
            float[] v = c.vectors() == null ? null : c.vectors().get(req.using());
            if (v == null) {
                continue;
            }
            float s = r.strategy() == Query.RecommendStrategy.BEST_SCORE
                    ? RecommendScoring.bestScore(sim, v, pos, neg)
                    : RecommendScoring.sumScores(sim, v, pos, neg);
            scored.add(new ScoredPoint(c.id(), c.version(), s, null, null, null));
        }
        scored.sort(byScore(true));
        return new Ranked(attach(page(threshold(scored, req.scoreThreshold()), offset, limit), wp, wv), true);
    }

    /**
     * Discover, context and relevance feedback: every input resolved at once, then each candidate
     * (prefetch results, or every matching point up to {@link #EXACT_SCAN_LIMIT}, else the union of
     * nearest searches for the seeds of {@link ExampleQuery#seeds}) scored exactly.
     */
    private Ranked byExamples(
            Query q,
            QueryRequest req,
            Filter filter,
            List<Ranked> pre,
            boolean hasPrefetch,
            int limit,
            int offset,
            PayloadSelector wp,
            VectorSelector wv) {
        Set<PointId> excluded = new LinkedHashSet<>();
        List<VectorInput> examples = ExampleQuery.inputs(q);
        String using = req.using();
        VectorSelector own = new VectorSelector.Names(List.of(using));
        List<ScoredPoint> scored;
        if (isSparse(using)) {
            List<SparseVector> resolved = inputs.sparse(examples, req, excluded);
            ToDoubleFunction<SparseVector> scorer = ExampleQuery.scorer(q, resolved, (e, c) -> c.dot(e));
            List<PointRecord> cands =
                    hasPrefetch ? prefetched(pre, excluded, own) : scrollAll(excludeIds(filter, excluded), own);
            scored = scoreEach(
                    cands,
                    c -> c.sparseVectors() == null ? null : c.sparseVectors().get(using),
                    scorer,
                    excluded);
        } else {
            VectorParams vp = OperationValidator.vectorParams(self.config(), using);
            List<float[]> resolved = inputs.dense(examples, req, vp, excluded);
            if (!hasPrefetch && vp.multivectorConfig() == null) {
                return exampleSearch(
                        req,
                        excludeIds(filter, excluded),
                        ExampleQuery.exampleScore(q, resolved),
                        limit,
                        offset,
                        wp,
                        wv);
            }
            ToDoubleFunction<float[]> scorer = ExampleQuery.scorer(q, resolved, similarity(vp)::of);
            List<PointRecord> cands = hasPrefetch
                    ? prefetched(pre, excluded, own)
                    : recommendCandidates(
                            req,
                            excludeIds(filter, excluded),
                            ExampleQuery.seeds(q, resolved),
                            List.of(),
                            vp,
                            ResultWindow.end(offset, limit));
            scored = scoreEach(
                    cands, c -> c.vectors() == null ? null : c.vectors().get(using), scorer, excluded);
        }
        scored.sort(byScore(true));
        return new Ranked(attach(page(threshold(scored, req.scoreThreshold()), offset, limit), wp, wv), true);
    }

    /**
     * An example-scored search of single dense vectors through the shards: each segment walks its
     * graph (or scans, by the usual plan) ranking by {@code es}, as Qdrant plugs these scorers into
     * the HNSW traversal; {@code filter} already excludes the example points.
     */
    private Ranked exampleSearch(
            QueryRequest req,
            Filter filter,
            ExampleScore es,
            int limit,
            int offset,
            PayloadSelector wp,
            VectorSelector wv) {
        int end = ResultWindow.end(offset, limit);
        if (end == 0) {
            return new Ranked(List.of(), true);
        }
        List<ScoredPoint> hits = self.search(new CoreSearch(
                req.using(),
                es.examples().getFirst(),
                filter,
                end,
                0,
                req.scoreThreshold(),
                req.params(),
                PayloadSelector.NONE,
                VectorSelector.NONE,
                null,
                es));
        return new Ranked(attach(page(hits, offset, limit), wp, wv), true);
    }

    /** Candidates that have a vector (per {@code vector}) and are not {@code excluded}, scored. */
    private static <V> List<ScoredPoint> scoreEach(
            List<PointRecord> cands,
            Function<PointRecord, V> vector,
            ToDoubleFunction<V> scorer,
            Set<PointId> excluded) {
        List<ScoredPoint> out = new ArrayList<>(cands.size());
        for (PointRecord c : cands) {
            V v = vector.apply(c);
            if (v != null && !excluded.contains(c.id())) {
                out.add(new ScoredPoint(c.id(), c.version(), (float) scorer.applyAsDouble(v), null, null, null));
            }
        }
        return out;
    }

    /** The prefetches' candidates but {@code excluded}, with the vectors of {@code vs}. */
    private List<PointRecord> prefetched(List<Ranked> pre, Set<PointId> excluded, VectorSelector vs) {
        Set<PointId> ids = new LinkedHashSet<>(candidateIds(pre));
        ids.removeAll(excluded);
        return self.retrieve(List.copyOf(ids), PayloadSelector.NONE, vs);
    }

    /** Every point matching {@code filter}, with the vectors of {@code vs}. */
    private List<PointRecord> scrollAll(Filter filter, VectorSelector vs) {
        List<PointRecord> out = new ArrayList<>();
        PointId next = null;
        do {
            ScrollPage page = self.scroll(new ScrollRequest(filter, 1000, next, null, PayloadSelector.NONE, vs));
            out.addAll(page.points());
            next = page.nextOffset();
        } while (next != null);
        return out;
    }

    /**
     * Every point matching {@code filter} with its vector when there are at most {@link
     * #EXACT_SCAN_LIMIT}; otherwise the union of nearest-search candidates for each example.
     */
    private List<PointRecord> recommendCandidates(
            QueryRequest req, Filter filter, List<float[]> pos, List<float[]> neg, VectorParams vp, int want) {
        VectorSelector vs = new VectorSelector.Names(List.of(req.using()));
        List<PointRecord> all = new ArrayList<>();
        PointId offset = null;
        do {
            ScrollPage page = self.scroll(new ScrollRequest(filter, 1000, offset, null, PayloadSelector.NONE, vs));
            all.addAll(page.points());
            offset = page.nextOffset();
        } while (offset != null && all.size() <= EXACT_SCAN_LIMIT);
        if (offset == null) {
            return all;
        }
        int perExample = Math.max(100, ResultWindow.product(want, 4));
        Map<PointId, PointRecord> union = new LinkedHashMap<>();
        List<float[]> seeds = new ArrayList<>(pos);
        if (pos.isEmpty() && vp.distance().higherIsBetter()) {
            for (float[] n : neg) {
                float[] inv = new float[n.length];
                for (int i = 0; i < n.length; i++) {
                    inv[i] = -n[i];
                }
                seeds.add(inv);
            }
        }
        for (float[] seed : seeds) {
            for (ScoredPoint p : self.search(new CoreSearch(
                    req.using(), seed, filter, perExample, 0, null, req.params(), PayloadSelector.NONE, vs))) {
                union.putIfAbsent(p.id(), new PointRecord(p.id(), null, p.vectors(), p.sparseVectors(), p.version()));
            }
        }
        return new ArrayList<>(union.values());
    }

    private Ranked orderBy(
            Query.OrderBy o,
            Filter filter,
            List<Ranked> pre,
            boolean hasPrefetch,
            int limit,
            int offset,
            PayloadSelector wp,
            VectorSelector wv) {
        if (!hasPrefetch) {
            if (limit == 0) {
                return new Ranked(List.of(), true);
            }
            ScrollPage page = self.scroll(new ScrollRequest(
                    filter,
                    ResultWindow.end(offset, limit),
                    null,
                    new ScrollRequest.OrderBy(o.key(), o.descending(), o.startFrom()),
                    wp,
                    wv));
            List<ScoredPoint> out = new ArrayList<>();
            for (PointRecord r : page.points()) {
                out.add(new ScoredPoint(r.id(), r.version(), 0f, r.payload(), r.vectors(), r.sparseVectors()));
            }
            return new Ranked(page(out, offset, limit), true);
        }
        List<PointRecord> records =
                self.retrieve(List.copyOf(candidateIds(pre)), PayloadSelector.ALL, VectorSelector.NONE);
        record Valued(PointId id, long version, double value) {}
        List<Valued> valued = new ArrayList<>();
        for (PointRecord r : records) {
            double v = PayloadValues.orderValue(r.payload(), o.key(), o.descending());
            if (Double.isInfinite(v)) {
                continue; // no value at the key: order_by skips such points
            }
            if (o.startFrom() != null && (o.descending() ? v > o.startFrom() : v < o.startFrom())) {
                continue;
            }
            valued.add(new Valued(r.id(), r.version(), v));
        }
        Comparator<Valued> c = Comparator.comparingDouble(Valued::value);
        valued.sort((o.descending() ? c.reversed() : c).thenComparing(Valued::id));
        List<ScoredPoint> out = valued.stream()
                .map(v -> new ScoredPoint(v.id(), v.version(), 0f, null, null, null))
                .toList();
        return new Ranked(attach(page(out, offset, limit), wp, wv), true);
    }

    private Ranked scrollById(Filter filter, int limit, int offset, PayloadSelector wp, VectorSelector wv) {
        List<ScoredPoint> out = new ArrayList<>();
        PointId next = null;
        int want = ResultWindow.end(offset, limit);
        while (out.size() < want) {
            ScrollPage page = self.scroll(new ScrollRequest(filter, want - out.size(), next, null, wp, wv));
            for (PointRecord r : page.points()) {
                out.add(new ScoredPoint(r.id(), r.version(), 0f, r.payload(), r.vectors(), r.sparseVectors()));
            }
            next = page.nextOffset();
            if (next == null || page.points().isEmpty()) {
                break;
            }
        }
        return new Ranked(page(out, offset, limit), true);
    }

    // ---------------------------------------------------------------- groups

    /** Runs a grouped query (see {@link QueryGroupsRequest}). */
    public List<PointGroup> queryGroups(QueryGroupsRequest g) {
        QueryRequest base = g.query();
        if (g.withLookup() != null) {
            inputs.collection(g.withLookup().collection());
        }
        Filter filter =
                and(base.filter(), new Filter(null, null, List.of(new Condition.IsEmptyCondition(g.groupBy())), null));
        PayloadSelector keyOnly = new PayloadSelector.Include(List.of(g.groupBy()));
        int fetch = Math.max(ResultWindow.product(g.limit(), g.groupSize()), 10);
        Map<JsonNode, List<ScoredPoint>> groups;
        while (true) {
            List<ScoredPoint> hits = execute(base, filter, fetch, 0, keyOnly, VectorSelector.NONE)
                    .points();
            groups = GroupedHits.group(hits, g);
            boolean full =
                    groups.size() >= g.limit() && groups.values().stream().allMatch(l -> l.size() >= g.groupSize());
            if (full || hits.size() < fetch || fetch >= MAX_GROUP_FETCH) {
                break;
            }
            fetch = Math.min(MAX_GROUP_FETCH, fetch * 4);
        }
        List<ScoredPoint> allHits =
                groups.values().stream().flatMap(List::stream).toList();
        Map<PointId, ScoredPoint> attached = new HashMap<>();
        attach(allHits, base.withPayload(), base.withVector()).forEach(p -> attached.put(p.id(), p));
        Map<JsonNode, PointRecord> lookups = g.withLookup() == null
                ? Map.of()
                : GroupedHits.lookups(inputs.collection(g.withLookup().collection()), groups.keySet(), g.withLookup());
        List<PointGroup> out = new ArrayList<>();
        groups.forEach((id, hits) -> out.add(new PointGroup(
                id, hits.stream().map(h -> attached.getOrDefault(h.id(), h)).toList(), lookups.get(id))));
        return out;
    }

    // ---------------------------------------------------------------- helpers

    private List<ScoredPoint> attach(List<ScoredPoint> hits, PayloadSelector wp, VectorSelector wv) {
        boolean noPayload = wp == null || wp instanceof PayloadSelector.None;
        boolean noVector = wv == null || wv instanceof VectorSelector.None;
        if (hits.isEmpty() || (noPayload && noVector)) {
            return hits;
        }
        Map<PointId, PointRecord> records = new HashMap<>();
        for (PointRecord r : self.retrieve(hits.stream().map(ScoredPoint::id).toList(), wp, wv)) {
            records.put(r.id(), r);
        }
        List<ScoredPoint> out = new ArrayList<>(hits.size());
        for (ScoredPoint h : hits) {
            PointRecord r = records.get(h.id());
            if (r != null) {
                out.add(new ScoredPoint(h.id(), h.version(), h.score(), r.payload(), r.vectors(), r.sparseVectors()));
            }
        }
        return out;
    }

    private static Set<PointId> candidateIds(List<Ranked> pre) {
        Set<PointId> ids = new LinkedHashSet<>();
        for (Ranked r : pre) {
            r.points().forEach(p -> ids.add(p.id()));
        }
        return ids;
    }

    private static List<ScoredPoint> threshold(List<ScoredPoint> hits, Float threshold) {
        if (threshold == null) {
            return hits;
        }
        return hits.stream().filter(h -> h.score() >= threshold).toList();
    }

    private static List<ScoredPoint> page(List<ScoredPoint> hits, int offset, int limit) {
        return ResultWindow.page(hits, offset, limit);
    }

    private static Filter excludeIds(Filter f, Set<PointId> ids) {
        if (ids.isEmpty()) {
            return f;
        }
        return and(f, new Filter(null, null, List.of(new Condition.HasIdCondition(Set.copyOf(ids))), null));
    }

    /** Conjunction of two filters; an empty filter is the identity. */
    static Filter and(Filter a, Filter b) {
        if (a == null || a.isEmpty()) {
            return b == null ? Filter.ALL : b;
        }
        if (b == null || b.isEmpty()) {
            return a;
        }
        return new Filter(
                List.of(new Condition.FilterCondition(a), new Condition.FilterCondition(b)), null, null, null);
    }
}
