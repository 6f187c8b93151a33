package io.sextant.collection.query;

import io.sextant.segment.PointId;
import io.sextant.segment.query.ScoredPoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuses ranked result lists, as Qdrant defines it. RRF: {@code score(p) = Σ 1 / (k + rank)} over
 * the lists containing p, rank counted from 0, k = 2 by default. DBSF: each list's scores are
 * normalized to {@code (s - (μ - 3σ)) / 6σ} (μ mean, σ sample standard deviation; 0.5 when
 * σ = 0 or the list has one hit), then summed per point. Results are sorted by fused score, best first, ties by id.
 * Stateless and thread-safe.
 */
public final class ScoreFusion {
    public static final int DEFAULT_RRF_K = 2;

    private ScoreFusion() {}

    public static List<ScoredPoint> rrf(List<List<ScoredPoint>> lists, int k) {
        return rrf(lists, k, null);
    }

    /**
     * Weighted RRF: list i contributes {@code 1 / ((rank + 1) / w_i + k - 1)} (0 when {@code w_i <=
     * 0}), which is {@code 1 / (k + rank)} for weight 1.
     *
     * @param weights one per list, or null for all 1
     * @throws IllegalArgumentException when the number of weights differs from the number of lists
     */
    public static List<ScoredPoint> rrf(List<List<ScoredPoint>> lists, int k, List<Float> weights) {
        if (weights != null && weights.size() != lists.size()) {
            throw new IllegalArgumentException("Number of weights in RRF should match number of pre-fetches: got "
                    + weights.size() + ", expected " + lists.size());
        }
        Map<PointId, Float> scores = new LinkedHashMap<>();
        Map<PointId, ScoredPoint> first = new LinkedHashMap<>();
        for (int li = 0; li < lists.size(); li++) {
            List<ScoredPoint> list = lists.get(li);
            double w = weights == null ? 1.0 : weights.get(li);
            for (int rank = 0; rank < list.size(); rank++) {
                ScoredPoint p = list.get(rank);
                // in double: k (up to Integer.MAX_VALUE from the request) + rank overflows an int
                float s = w <= 0 ? 0f : (float) (1.0 / ((rank + 1) / w + (double) k - 1));
                scores.merge(p.id(), s, Float::sum);
                first.putIfAbsent(p.id(), p);
            }
        }
        return rescored(scores, first);
    }

    /**
     * @param higherIsBetter per list: whether larger raw scores are better (lists where smaller is
     *     better, such as Euclid distances, are negated before normalization)
     */
    public static List<ScoredPoint> dbsf(List<List<ScoredPoint>> lists, List<Boolean> higherIsBetter) {
        Map<PointId, Float> scores = new LinkedHashMap<>();
        Map<PointId, ScoredPoint> first = new LinkedHashMap<>();
        for (int li = 0; li < lists.size(); li++) {
            List<ScoredPoint> list = lists.get(li);
            if (list.isEmpty()) {
                continue;
            }
            double sign = higherIsBetter.get(li) ? 1 : -1;
            double sum = 0;
            for (ScoredPoint p : list) {
                sum += sign * p.score();
            }
            double mean = sum / list.size();
            double var = 0;
            for (ScoredPoint p : list) {
                double d = sign * p.score() - mean;
                var += d * d;
            }
            // sample standard deviation (n - 1), as Qdrant; a lone hit normalizes to 0.5
            double std = list.size() < 2 ? 0 : Math.sqrt(var / (list.size() - 1));
            double low = mean - 3 * std;
            double high = mean + 3 * std;
            for (ScoredPoint p : list) {
                double norm = high == low ? 0.5 : (sign * p.score() - low) / (high - low);
                scores.merge(p.id(), (float) norm, Float::sum);
                first.putIfAbsent(p.id(), p);
            }
        }
        return rescored(scores, first);
    }

    private static List<ScoredPoint> rescored(Map<PointId, Float> scores, Map<PointId, ScoredPoint> first) {
        List<ScoredPoint> out = new ArrayList<>(scores.size());
        scores.forEach((id, s) -> {
            ScoredPoint p = first.get(id);
            out.add(p.withScore(s));
        });
        out.sort(QueryEngine.byScore(true));
        return out;
    }
}
