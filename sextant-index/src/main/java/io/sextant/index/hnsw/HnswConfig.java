package io.sextant.index.hnsw;

/**
 * Parameters of an HNSW build, named as in Qdrant's {@code hnsw_config}.
 *
 * @param m links per node on levels above 0; level 0 allows {@code 2 * m}
 * @param efConstruct the beam width while inserting a node
 * @param seed seeds the random levels, which are a pure function of {@code (seed, ordinal)}
 * @param maxIndexingThreads threads used by {@link HnswGraphBuilder#build()}; 0 means all cores
 */
public record HnswConfig(int m, int efConstruct, long seed, int maxIndexingThreads) {
    public static final int DEFAULT_M = 16;
    public static final int DEFAULT_EF_CONSTRUCT = 100;
    public static final int MAX_M = 512;
    public static final int MIN_EF_CONSTRUCT = 4;
    public static final int MAX_EF_CONSTRUCT = 100_000;

    public HnswConfig {
        if (m < 2 || m > MAX_M) {
            throw new IllegalArgumentException("m must be in [2, " + MAX_M + "], got " + m);
        }
        if (efConstruct < MIN_EF_CONSTRUCT || efConstruct > MAX_EF_CONSTRUCT) {
            throw new IllegalArgumentException(
                    "ef_construct must be in [" + MIN_EF_CONSTRUCT + ", " + MAX_EF_CONSTRUCT + "], got " + efConstruct);
        }
        if (maxIndexingThreads < 0) {
            throw new IllegalArgumentException(
                    "max_indexing_threads must be >= 0 (0 = all cores), got " + maxIndexingThreads);
        }
    }

    /** m = 16, ef_construct = 100, seed 42, all cores. */
    public static HnswConfig defaults() {
        return new HnswConfig(DEFAULT_M, DEFAULT_EF_CONSTRUCT, 42L, 0);
    }

    public HnswConfig withM(int newM) {
        return new HnswConfig(newM, efConstruct, seed, maxIndexingThreads);
    }

    public HnswConfig withEfConstruct(int newEf) {
        return new HnswConfig(m, newEf, seed, maxIndexingThreads);
    }

    public HnswConfig withSeed(long newSeed) {
        return new HnswConfig(m, efConstruct, newSeed, maxIndexingThreads);
    }

    public HnswConfig withMaxIndexingThreads(int threads) {
        return new HnswConfig(m, efConstruct, seed, threads);
    }

    /** Maximum links of a node on {@code level}: {@code 2m} on level 0, {@code m} above. */
    public int maxConnections(int level) {
        return level == 0 ? 2 * m : m;
    }

    /** The number of build threads this config resolves to on this machine. */
    public int resolvedThreads() {
        return maxIndexingThreads == 0 ? Runtime.getRuntime().availableProcessors() : maxIndexingThreads;
    }
}
