package io.sextant.vector.quant;

/**
 * Scores a group of query vectors (the vectors of one multivector query) against the stored code
 * of an ordinal, the way max_sim needs them: each query's score separately ({@link #scoreEach}),
 * or their sum ({@link #scoreSum}), which is max_sim against a document of one vector. Scores are
 * oriented as {@link OrdinalScorer}'s. Instances belong to one thread.
 *
 * <p>{@link #of} composes per-query scorers; codecs whose score is linear in the query override it
 * (see {@link ScalarQuantizer}): the sum is then one scoring of the summed query, and the
 * separate scores share one pass over the code.
 */
public interface QueryGroupScorer {

    /** The number of query vectors. */
    int size();

    /** Writes the score of query {@code i} against {@code ordinal} to {@code out[i]}. */
    void scoreEach(int ordinal, float[] out);

    /** The sum over the queries of their scores against {@code ordinal}. */
    float scoreSum(int ordinal);

    /** A group scorer that asks each of {@code perQuery} in turn. */
    static QueryGroupScorer of(OrdinalScorer[] perQuery) {
        OrdinalScorer[] scorers = perQuery.clone();
        return new QueryGroupScorer() {
            @Override
            public int size() {
                return scorers.length;
            }

            @Override
            public void scoreEach(int ordinal, float[] out) {
                for (int i = 0; i < scorers.length; i++) {
                    out[i] = scorers[i].score(ordinal);
                }
            }

            @Override
            public float scoreSum(int ordinal) {
                float sum = 0;
                for (OrdinalScorer s : scorers) {
                    sum += s.score(ordinal);
                }
                return sum;
            }
        };
    }
}
