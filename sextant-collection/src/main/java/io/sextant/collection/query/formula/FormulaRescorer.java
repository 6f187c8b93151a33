package io.sextant.collection.query.formula;

import io.sextant.collection.query.QueryTarget;
import io.sextant.collection.query.ScrollAll;
import io.sextant.segment.PointId;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.VectorSelector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Re-scores the union of the prefetches' results with a formula: reads only the payload keys the
 * formula uses, answers each condition of the formula with one filtered scroll restricted to the
 * candidates (so conditions get the storage engine's exact filter semantics, indexes included),
 * scores every candidate with a {@link FormulaScorer} and orders best first (higher is better,
 * ties by id), dropping scores below the threshold. Stateless and thread-safe.
 */
public final class FormulaRescorer {
    private FormulaRescorer() {}

    /**
     * @param prefetches each prefetch's results (their scores feed {@code $score[i]})
     * @param target the collection the candidates live in
     * @param threshold drop scores below it; null = keep all
     * @return every candidate scoring at least the threshold, best first, without payload/vectors
     */
    public static List<ScoredPoint> rescore(
            ParsedFormula formula, List<List<ScoredPoint>> prefetches, QueryTarget target, Float threshold) {
        List<Map<PointId, Float>> scores = new ArrayList<>(prefetches.size());
        Set<PointId> candidates = new LinkedHashSet<>();
        for (List<ScoredPoint> hits : prefetches) {
            Map<PointId, Float> m = new HashMap<>();
            for (ScoredPoint p : hits) {
                m.putIfAbsent(p.id(), p.score());
                candidates.add(p.id());
            }
            scores.add(m);
        }
        if (candidates.isEmpty()) {
            return List.of();
        }
        Map<Condition, Set<PointId>> matches = new HashMap<>();
        for (Condition c : formula.conditions()) {
            matches.put(c, matching(c, candidates, target));
        }
        Set<String> keys = formula.payloadKeys();
        PayloadSelector wp = keys.isEmpty() ? PayloadSelector.NONE : new PayloadSelector.Include(List.copyOf(keys));
        FormulaScorer scorer = new FormulaScorer(formula, scores, matches);
        List<ScoredPoint> out = new ArrayList<>(candidates.size());
        for (PointRecord r : target.retrieve(List.copyOf(candidates), wp, VectorSelector.NONE)) {
            float s = scorer.score(r.id(), r.payload());
            if (threshold == null || s >= threshold) {
                out.add(new ScoredPoint(r.id(), 0, s, null, null, null));
            }
        }
        out.sort(Comparator.comparingDouble(ScoredPoint::score).reversed().thenComparing(ScoredPoint::id));
        return out;
    }

    /** The candidates satisfying {@code c}. */
    private static Set<PointId> matching(Condition c, Set<PointId> candidates, QueryTarget target) {
        Filter f = new Filter(
                List.of(new Condition.HasIdCondition(candidates), new Condition.FilterCondition(Filter.must(c))),
                null,
                null,
                null);
        Set<PointId> out = new HashSet<>();
        ScrollAll.forEach(target::scroll, f, PayloadSelector.NONE, p -> out.add(p.id()));
        return out;
    }
}
