package io.sextant.collection.quality;

import io.sextant.segment.PointId;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.query.VectorSelector;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Live recall of one collection: for a sampled share of its real approximate dense searches, the
 * same search is run again exactly (full scan, original vectors, same filter and window) in the
 * background, and the share of the exact top-k that the answer contained is kept in a rolling
 * window per vector name. A search that is exact already, sparse, scored by examples, or has no
 * results to compare is not sampled.
 *
 * <p><b>Cost control.</b> Sampling never delays the answered request: the exact search runs on
 * {@link SamplingBudget}'s one background worker (shared by every collection of the process, with a
 * bounded queue; a sample that finds it full is dropped and counted), and only while the budget's
 * CPU allowance has time left ({@link Settings#cpuBudget} of one core on average). So the sampled
 * share falls under heavy query load instead of competing with it.
 *
 * <p><b>Noise.</b> Points written between the answer and its exact re-run can make the two differ;
 * under a steady write load this lowers the reading a little. Ties in score can also swap ids at
 * the k-th place.
 *
 * <p>Thread-safe.
 */
public final class LiveRecall {

    /**
     * Sampling settings.
     *
     * @param sampleRate share of eligible searches re-run exactly, 0 (off) to 1
     * @param window samples kept per vector name for the rolling recall
     * @param cpuBudget average share of one core the exact re-runs may use (process-wide)
     * @param threshold recall under which the collection is reported ({@code /issues}, metric)
     * @param minSamples samples needed before a reading is reported against the threshold
     */
    public record Settings(double sampleRate, int window, double cpuBudget, double threshold, int minSamples) {
        /**
         * The defaults: 1 % of searches, a window of 200, 1 % of a core, report below 0.9 after 20
         * samples. The budget was 5 %: under search load the re-runs then cost the request threads
         * 10-12 % of their throughput and raised p99 (their full scans also evict what the searches
         * keep in cache); at 1 % no difference was measurable (sextant-server/docs/server-path.md).
         */
        public static final Settings DEFAULT = new Settings(0.01, 200, 0.01, 0.9, 20);

        public Settings {
            if (!(sampleRate >= 0 && sampleRate <= 1)) {
                throw new IllegalArgumentException("live_recall.sample_rate must be in [0, 1], got " + sampleRate);
            }
            if (window < 1) {
                throw new IllegalArgumentException("live_recall.window must be >= 1, got " + window);
            }
            if (!(cpuBudget > 0 && cpuBudget <= 1)) {
                throw new IllegalArgumentException("live_recall.cpu_budget must be in (0, 1], got " + cpuBudget);
            }
            if (!(threshold >= 0 && threshold <= 1)) {
                throw new IllegalArgumentException("live_recall.threshold must be in [0, 1], got " + threshold);
            }
            if (minSamples < 1) {
                throw new IllegalArgumentException("live_recall.min_samples must be >= 1, got " + minSamples);
            }
        }
    }

    /**
     * The rolling reading of one vector name.
     *
     * @param recall mean recall@k over the samples in the window (NaN when there are none)
     * @param samples samples in the window
     * @param total samples taken since the collection opened
     */
    public record Reading(double recall, int samples, long total) {
        /** Whether this reading is below {@code s.threshold()} with enough samples to say so. */
        public boolean low(Settings s) {
            return samples >= s.minSamples() && recall < s.threshold();
        }
    }

    private final Function<CoreSearch, List<ScoredPoint>> exactSearch;
    private final SamplingBudget budget;
    private final Map<String, RecallWindow> windows = new ConcurrentHashMap<>();
    private final AtomicLong droppedForBudget = new AtomicLong();
    private volatile Settings settings = Settings.DEFAULT;

    /**
     * @param exactSearch runs a search on the collection (called with {@code exact: true})
     * @param budget the process's background worker and CPU allowance
     */
    public LiveRecall(Function<CoreSearch, List<ScoredPoint>> exactSearch, SamplingBudget budget) {
        this.exactSearch = exactSearch;
        this.budget = budget;
    }

    public Settings settings() {
        return settings;
    }

    /** Replaces the settings; a smaller window keeps the newest samples. */
    public void settings(Settings s) {
        settings = s;
    }

    /** Samples whose exact re-run was skipped because the CPU allowance or the queue was exhausted. */
    public long droppedForBudget() {
        return droppedForBudget.get();
    }

    /** Readings by vector name ("" = the unnamed vector), in name order. */
    public Map<String, Reading> readings() {
        Map<String, Reading> out = new TreeMap<>();
        windows.forEach((name, w) -> out.put(name, w.reading()));
        return out;
    }

    /** Forgets every sample (the collection's vectors or config changed wholesale). */
    public void reset() {
        windows.clear();
    }

    /**
     * Offers an answered search for sampling; returns at once. {@code answer} is the page the
     * client got (after offset).
     */
    public void offer(CoreSearch request, List<ScoredPoint> answer) {
        Settings s = settings;
        if (s.sampleRate() <= 0 || !eligible(request) || answer.isEmpty()) {
            return;
        }
        if (ThreadLocalRandom.current().nextDouble() >= s.sampleRate()) {
            return;
        }
        Set<PointId> got = new HashSet<>(answer.size() * 2);
        for (ScoredPoint p : answer) {
            got.add(p.id());
        }
        CoreSearch exact = exactTwin(request);
        boolean queued = budget.tryRun(() -> {
            List<ScoredPoint> truth = exactSearch.apply(exact);
            if (truth.isEmpty()) {
                return;
            }
            int hits = 0;
            for (ScoredPoint p : truth) {
                if (got.contains(p.id())) {
                    hits++;
                }
            }
            windows.computeIfAbsent(request.vectorName(), k -> new RecallWindow())
                    .add((double) hits / truth.size(), settings.window());
        });
        if (!queued) {
            droppedForBudget.incrementAndGet();
        }
    }

    static boolean eligible(CoreSearch r) {
        return r.vector() != null && r.examples() == null && !r.params().exact() && r.limit() > 0;
    }

    /** The same search, exact, returning ids only. */
    static CoreSearch exactTwin(CoreSearch r) {
        SearchParams p = r.params();
        return new CoreSearch(
                r.vectorName(),
                r.vector(),
                r.filter(),
                r.limit(),
                r.offset(),
                r.scoreThreshold(),
                new SearchParams(p.hnswEf(), true, false, p.quantization(), p.idfCorpus()),
                PayloadSelector.NONE,
                VectorSelector.NONE);
    }
}
