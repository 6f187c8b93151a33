package io.sextant.index.sparse;

import io.sextant.vector.sparse.SparseVector;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/**
 * Seeded random sparse corpora and the brute-force top-k the indexes must reproduce exactly.
 * Dimension ids are drawn Zipf-like from a random vocabulary of u32 ids (about half of them at or
 * above 2^31), so some posting lists span many blocks and windows and most are short.
 */
final class SparseCorpus {
    /** How weights are drawn. */
    enum Weights {
        /** positive floats, like BM25 */
        POSITIVE,
        /** small integers 1..3: many equal scores, exercising the tie rule */
        INTEGER,
        /** any sign, zeros included */
        MIXED
    }

    final long seed;
    final int[] vocabulary;
    final SparseVector[] vectors;
    private final SplittableRandom random;

    SparseCorpus(long seed, int n, int vocabularySize, int maxTerms, Weights weights) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.vocabulary = new int[vocabularySize];
        for (int i = 0; i < vocabularySize; i++) {
            vocabulary[i] = i < 3 ? new int[] {0, -1, Integer.MIN_VALUE}[i] : random.nextInt();
        }
        this.vectors = new SparseVector[n];
        for (int ord = 0; ord < n; ord++) {
            if (random.nextInt(50) == 0) {
                continue; // no vector
            }
            vectors[ord] = vector(random.nextInt(maxTerms + 1), weights);
        }
    }

    private SparseCorpus(SparseCorpus from, SparseVector[] vectors) {
        this.seed = from.seed;
        this.random = from.random;
        this.vocabulary = from.vocabulary;
        this.vectors = vectors;
    }

    /** The same vocabulary and random stream with other vectors (e.g. as an index decoded them). */
    SparseCorpus withVectors(SparseVector[] other) {
        return new SparseCorpus(this, other);
    }

    /** A random vector of up to {@code terms} distinct ids. */
    SparseVector vector(int terms, Weights weights) {
        int[] ids = new int[terms];
        float[] values = new float[terms];
        int n = 0;
        outer:
        for (int i = 0; i < terms; i++) {
            int id = vocabulary[zipf()];
            for (int j = 0; j < n; j++) {
                if (ids[j] == id) {
                    continue outer;
                }
            }
            ids[n] = id;
            values[n++] = weight(weights);
        }
        return SparseVector.of(Arrays.copyOf(ids, n), Arrays.copyOf(values, n));
    }

    /** A query: a random vector, sometimes with an id no document has. */
    SparseVector query(int terms, Weights weights) {
        SparseVector v = vector(terms, weights);
        if (random.nextInt(4) != 0) {
            return v;
        }
        int[] ids = Arrays.copyOf(v.indices(), v.size() + 1);
        float[] values = Arrays.copyOf(v.values(), v.size() + 1);
        ids[v.size()] = 0x7fff_fff7; // not in the vocabulary (with overwhelming probability)
        values[v.size()] = weight(weights);
        try {
            return SparseVector.of(ids, values);
        } catch (IllegalArgumentException duplicate) {
            return v;
        }
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    private int zipf() {
        double u = random.nextDouble();
        return (int) Math.min(vocabulary.length - 1, Math.floor(Math.pow(vocabulary.length + 1.0, u)) - 1);
    }

    private float weight(Weights weights) {
        return switch (weights) {
            case POSITIVE -> (float) (0.01 + 3 * random.nextDouble());
            case INTEGER -> 1 + random.nextInt(3);
            case MIXED -> random.nextInt(10) == 0 ? 0f : (float) (random.nextDouble() * 4 - 2);
        };
    }

    /** The exact top k by brute force: score = query.dot(v), only overlapping vectors, ties by ordinal. */
    static SparseTopK bruteForce(SparseVector[] vectors, SparseVector query, int k, IntPredicate accept) {
        long[] keys = new long[vectors.length];
        int n = 0;
        for (int ord = 0; ord < vectors.length; ord++) {
            SparseVector v = vectors[ord];
            if (v == null || !query.overlaps(v) || (accept != null && !accept.test(ord))) {
                continue;
            }
            float score = query.dot(v);
            int bits = Float.floatToIntBits(score == 0 ? 0f : score); // -0 ties with +0, as in the heap
            int ascending = bits ^ ((bits >> 31) & 0x7fff_ffff);
            keys[n++] = ((long) ~ascending << 32) | ord; // best score first, then smaller ordinal
        }
        Arrays.sort(keys, 0, n);
        int size = Math.min(k, n);
        int[] ords = new int[size];
        float[] scores = new float[size];
        for (int i = 0; i < size; i++) {
            ords[i] = (int) keys[i];
            scores[i] = query.dot(vectors[ords[i]]);
        }
        return new SparseTopK(ords, scores);
    }
}
