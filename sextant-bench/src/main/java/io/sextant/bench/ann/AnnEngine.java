package io.sextant.bench.ann;

import java.nio.file.Path;

/**
 * One ANN library under test, driven through its public API by {@link AnnWorker} in a JVM of its
 * own. The worker calls {@link #build}, then {@link #prepareFilter} for each filter, then searches
 * through {@link #searcher()} (one searcher per search thread), then {@link #close()}. Engines copy
 * the vectors they keep, so the worker can attribute heap growth to the engine. Implementations
 * need not be thread-safe except for searchers used from their own threads.
 */
public interface AnnEngine extends AutoCloseable {

    /**
     * What to build.
     *
     * @param data the data set (vectors as stored; engines copy and, for Cosine, normalize them)
     * @param m links per node (HNSW {@code M})
     * @param efConstruct beam width while building
     * @param threads build threads
     * @param workDir a private directory for files the engine writes
     */
    record BuildSpec(Dataset data, int m, int efConstruct, int threads, Path workDir) {}

    /** A per-thread search handle. */
    interface Searcher {
        /**
         * The nearest base rows to {@code query} (already normalized for Cosine), best first.
         *
         * @param prepared the result of {@link #prepareFilter}, or null for no filter
         */
        int[] search(float[] query, int k, int ef, Object prepared) throws Exception;
    }

    /** The engine's name in reports ("sextant", "lucene", ...). */
    String name();

    /** Builds the index; returns free-form notes on parameters worth reporting. */
    String build(BuildSpec spec) throws Exception;

    /**
     * The build time to report when the engine measures it itself (e.g. excluding ingestion that the
     * peers do not pay either); empty to report the wall time of {@link #build}.
     */
    default java.util.OptionalDouble ownBuildSeconds() {
        return java.util.OptionalDouble.empty();
    }

    /** Extra build steps done after the main index (e.g. payload links), in seconds, else 0. */
    default double extraBuildSeconds() {
        return 0;
    }

    /** Further configurations measured after the main one in the same JVM (e.g. quantization). */
    default java.util.List<String> variants() {
        return java.util.List.of();
    }

    /** Switches to {@code variant} (building what it needs); returns notes for the report. */
    default String enterVariant(String variant) throws Exception {
        throw new UnsupportedOperationException(name() + " has no variant " + variant);
    }

    /**
     * One unfiltered point measured outside this JVM (an engine driven through another runtime):
     * the answers per query, the fastest pass's seconds and its per-query latencies.
     */
    record Premeasured(int[][] results, double seconds, long[] latencies) {}

    /** The unfiltered point (threads, ef) when the engine measured it itself, else null. */
    default Premeasured premeasured(int threads, int ef) {
        return null;
    }

    /** Whether {@link #prepareFilter} is supported; when false, filtered runs are reported n/a. */
    boolean supportsFilter();

    /** The engine's form of a filter (an accept-set, a query, ...), built outside timing. */
    Object prepareFilter(Dataset.Filter filter) throws Exception;

    /** A new searcher for one thread. */
    Searcher searcher() throws Exception;

    /** Bytes held outside the Java heap (off-heap segments, mapped index files). */
    long offHeapBytes();

    @Override
    void close() throws Exception;

    /** A new float array: {@code row}, normalized to unit length when {@code cosine}. */
    static float[] prepared(float[] row, boolean cosine) {
        float[] out = row.clone();
        if (cosine) {
            double norm = 0;
            for (float v : out) {
                norm += (double) v * v;
            }
            float inv = norm > 0 ? (float) (1.0 / Math.sqrt(norm)) : 0f;
            for (int i = 0; i < out.length; i++) {
                out[i] *= inv;
            }
        }
        return out;
    }
}
