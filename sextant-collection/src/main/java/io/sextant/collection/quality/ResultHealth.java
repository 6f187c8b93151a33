package io.sextant.collection.quality;

import io.sextant.segment.filter.Filter;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.ScoredPoint;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Result health of a collection's searches, per vector name (issue P13 item 2): how many searches
 * found nothing, how much of the collection their filters let through, and where the top hit's
 * score sits (a shift after an embedding-model change or a bad re-index shows as drift). Recorded
 * for every search answered by the collection ({@link #offer}), cheap: two counters and, for the
 * top score, a slot in a ring of the newest {@link #WINDOW} values. The filter's pass ratio is an
 * estimate (the shards' cardinality estimates over the collection's size) taken for one filtered
 * search in {@link #FILTER_SAMPLE_EVERY} at random. Thread-safe.
 */
public final class ResultHealth {
    /** Top scores kept per vector name for the quantiles. */
    public static final int WINDOW = 1024;
    /** One filtered search in this many has its filter's pass ratio estimated. */
    public static final int FILTER_SAMPLE_EVERY = 16;
    /** The filter pass ratio is a moving mean over about this many samples. */
    static final int PASS_WEIGHT = 64;

    /** Estimates how many points a filter lets through ({@code null}: every point). */
    public interface Cardinality {
        long estimate(Filter filter);
    }

    private final Cardinality cardinality;
    private final Map<String, PerVector> vectors = new ConcurrentHashMap<>();

    public ResultHealth(Cardinality cardinality) {
        this.cardinality = cardinality;
    }

    /**
     * A reading of one vector name.
     *
     * @param searches searches since the collection was opened
     * @param zeroResults those that returned no point
     * @param filterPassRatio share of the collection the sampled filters let through, a moving mean
     *     over about the newest 64 samples (NaN before the first); 1 minus it is the filter drop-off
     * @param filterSamples filtered searches sampled for it
     * @param topScoreP10 10th percentile of the newest top-hit scores (NaN before the first)
     * @param topScoreP50 median of them
     * @param topScoreP90 90th percentile of them
     * @param topScoreSamples top scores in the window
     */
    public record Reading(
            long searches,
            long zeroResults,
            double filterPassRatio,
            long filterSamples,
            double topScoreP10,
            double topScoreP50,
            double topScoreP90,
            int topScoreSamples) {}

    /** Records one answered search. */
    public void offer(CoreSearch request, List<ScoredPoint> answer) {
        PerVector v = vectors.computeIfAbsent(request.vectorName(), k -> new PerVector());
        v.searches.increment();
        if (answer.isEmpty()) {
            v.zero.increment();
        } else if (request.offset() == 0) {
            v.topScore(answer.getFirst().score());
        }
        Filter f = request.filter();
        if (f != null && !f.isEmpty() && ThreadLocalRandom.current().nextInt(FILTER_SAMPLE_EVERY) == 0) {
            long all = cardinality.estimate(null);
            if (all > 0) {
                v.filterPass(Math.min(1.0, cardinality.estimate(f) / (double) all));
            }
        }
    }

    /** Readings by vector name (the default vector is {@code ""}). */
    public Map<String, Reading> readings() {
        Map<String, Reading> out = new java.util.TreeMap<>();
        vectors.forEach((name, v) -> out.put(name, v.reading()));
        return out;
    }

    private static final class PerVector {
        final LongAdder searches = new LongAdder();
        final LongAdder zero = new LongAdder();
        private final float[] scores = new float[WINDOW];
        private int next;
        private int filled;
        private double passMean = Double.NaN;
        private long passSamples;

        synchronized void topScore(float s) {
            scores[next] = s;
            next = (next + 1) % WINDOW;
            filled = Math.min(WINDOW, filled + 1);
        }

        synchronized void filterPass(double ratio) {
            passSamples++;
            // a moving mean: the newest PASS_WEIGHT samples weigh most, so a change of workload shows
            double w = Math.max(1.0 / PASS_WEIGHT, 1.0 / passSamples);
            passMean = Double.isNaN(passMean) ? ratio : passMean + w * (ratio - passMean);
        }

        synchronized Reading reading() {
            float[] sorted = Arrays.copyOf(scores, filled);
            Arrays.sort(sorted);
            return new Reading(
                    searches.sum(),
                    zero.sum(),
                    passMean,
                    passSamples,
                    quantile(sorted, 0.1),
                    quantile(sorted, 0.5),
                    quantile(sorted, 0.9),
                    filled);
        }
    }

    /** Nearest-rank quantile of ascending {@code sorted}; NaN when empty. */
    static double quantile(float[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
