package io.sextant.index.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.index.sparse.SparseCorpus.Weights;
import io.sextant.vector.sparse.SparseVector;
import java.util.BitSet;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

class MutableSparseIndexTest {
    private static final long SEED = Long.getLong("sextant.test.seed", System.nanoTime());

    static MutableSparseIndex build(SparseVector[] vectors) {
        MutableSparseIndex index = new MutableSparseIndex();
        for (int ord = 0; ord < vectors.length; ord++) {
            if (vectors[ord] != null) {
                index.add(ord, vectors[ord]);
            }
        }
        return index;
    }

    /** Searches many random queries under several filters and k and compares with brute force. */
    static void assertMatchesBruteForce(
            SparseIndexReader index, SparseCorpus corpus, Weights queryWeights, int queries) {
        SparseVector[] vectors = corpus.vectors;
        BitSet sparseFilter = new BitSet();
        for (int i = 0; i < vectors.length; i++) {
            if (corpus.nextInt(10) == 0) {
                sparseFilter.set(i);
            }
        }
        IntPredicate[] filters = {null, ord -> (ord & 1) == 0, sparseFilter::get};
        int[] ks = {1, 3, 10, 100, vectors.length + 7};
        for (int i = 0; i < queries; i++) {
            SparseVector query = corpus.query(1 + corpus.nextInt(12), queryWeights);
            IntPredicate filter = filters[i % filters.length];
            int k = ks[corpus.nextInt(ks.length)];
            SparseTopK expected = SparseCorpus.bruteForce(vectors, query, k, filter);
            SparseTopK actual = index.search(query, k, filter);
            String context = "seed " + corpus.seed + " (rerun with -Dsextant.test.seed=" + corpus.seed + "), query " + i
                    + " " + query + ", k " + k + ", filter " + (i % filters.length);
            assertThat(actual.ordinals()).as(context).containsExactly(expected.ordinals());
            assertThat(actual.scores()).as(context).containsExactly(expected.scores());
        }
    }

    @Test
    void positiveWeightsMatchBruteForce() {
        SparseCorpus corpus = new SparseCorpus(SEED, 40_000, 2_000, 24, Weights.POSITIVE);
        assertThat(corpus.vectors.length).as("spans several windows").isGreaterThan(2 * BlockMaxScoreSearch.WINDOW);
        assertMatchesBruteForce(build(corpus.vectors), corpus, Weights.POSITIVE, 200);
    }

    @Test
    void tiedScoresAreBrokenBySmallerOrdinal() {
        SparseCorpus corpus = new SparseCorpus(SEED + 1, 36_000, 300, 10, Weights.INTEGER);
        assertMatchesBruteForce(build(corpus.vectors), corpus, Weights.INTEGER, 150);
    }

    @Test
    void negativeAndZeroWeightsMatchBruteForce() {
        SparseCorpus corpus = new SparseCorpus(SEED + 2, 20_000, 500, 16, Weights.MIXED);
        MutableSparseIndex index = build(corpus.vectors);
        assertMatchesBruteForce(index, corpus, Weights.MIXED, 200);
        assertMatchesBruteForce(index, corpus, Weights.POSITIVE, 100);
    }

    @Test
    void emptyQueryAndUnknownDimensionsGiveNoHits() {
        SparseCorpus corpus = new SparseCorpus(SEED + 3, 500, 100, 8, Weights.POSITIVE);
        MutableSparseIndex index = build(corpus.vectors);
        assertThat(index.search(SparseVector.EMPTY, 10, null).size()).isZero();
        SparseVector unknown = SparseVector.of(new int[] {0x7fff_fff7}, new float[] {1});
        assertThat(index.search(unknown, 10, null).size()).isZero();
        assertThat(index.search(corpus.query(3, Weights.POSITIVE), 0, null).size())
                .isZero();
        assertThat(new MutableSparseIndex()
                        .search(corpus.query(3, Weights.POSITIVE), 5, null)
                        .size())
                .isZero();
    }

    @Test
    void countsPostingsPerDimension() {
        SparseCorpus corpus = new SparseCorpus(SEED + 4, 2_000, 200, 12, Weights.POSITIVE);
        MutableSparseIndex index = build(corpus.vectors);
        long total = 0;
        for (int id : corpus.vocabulary) {
            int expected = 0;
            for (SparseVector v : corpus.vectors) {
                if (v != null && java.util.Arrays.stream(v.indices()).anyMatch(x -> x == id)) {
                    expected++;
                }
            }
            assertThat(index.docFrequency(id))
                    .as("dim %s", Integer.toUnsignedString(id))
                    .isEqualTo(expected);
        }
        for (SparseVector v : corpus.vectors) {
            total += v == null ? 0 : v.size();
        }
        assertThat(index.postingCount()).isEqualTo(total);
        assertThat(index.ordinalLimit()).isLessThanOrEqualTo(corpus.vectors.length);
    }

    @Test
    void rejectsNonIncreasingOrdinalsAndNonFiniteWeights() {
        MutableSparseIndex index = new MutableSparseIndex();
        index.add(5, SparseVector.of(new int[] {1}, new float[] {1}));
        assertThatThrownBy(() -> index.add(5, SparseVector.EMPTY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5");
        assertThatThrownBy(() -> index.add(6, new SparseVector(new int[] {2}, new float[] {Float.NaN})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
        assertThat(index.docFrequency(2)).isZero();
        assertThatThrownBy(() -> index.search(SparseVector.EMPTY, -1, null))
                .isInstanceOf(IllegalArgumentException.class);
        index.add(7, SparseVector.EMPTY);
        assertThat(index.ordinalLimit()).isEqualTo(8);
    }
}
