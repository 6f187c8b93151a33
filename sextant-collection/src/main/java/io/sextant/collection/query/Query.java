package io.sextant.collection.query;

import java.util.List;

/**
 * The {@code query} of a {@link QueryRequest}: how candidates are scored. Immutable records.
 */
public sealed interface Query {

    /**
     * Nearest neighbours of a vector (or of a stored point's vector).
     *
     * @param mmr re-rank the nearest candidates by maximal marginal relevance; null = plain nearest
     */
    record Nearest(VectorInput vector, Mmr mmr) implements Query {
        public Nearest(VectorInput vector) {
            this(vector, null);
        }
    }

    /**
     * Qdrant's {@code mmr}: diversity in [0, 1] (0 = pure relevance; default 0.5), and how many
     * nearest candidates to re-rank (null = the request's offset + limit).
     */
    record Mmr(Float diversity, Integer candidatesLimit) {
        public Mmr {
            if (diversity != null && !(diversity >= 0 && diversity <= 1)) {
                throw new IllegalArgumentException("mmr.diversity must be in [0, 1], got " + diversity);
            }
            if (candidatesLimit != null && candidatesLimit < 0) {
                throw new IllegalArgumentException("mmr.candidates_limit must be >= 0, got " + candidatesLimit);
            }
        }

        /** {@code 1 - diversity}, 0.5 by default. */
        public float lambda() {
            return diversity == null ? 0.5f : 1 - diversity;
        }
    }

    /**
     * Recommendation from positive and negative examples.
     *
     * @param positive examples to be close to
     * @param negative examples to be far from
     * @param strategy how examples are combined; null = average_vector
     */
    record Recommend(List<VectorInput> positive, List<VectorInput> negative, RecommendStrategy strategy)
            implements Query {
        public Recommend {
            positive = positive == null ? List.of() : List.copyOf(positive);
            negative = negative == null ? List.of() : List.copyOf(negative);
            strategy = strategy == null ? RecommendStrategy.AVERAGE_VECTOR : strategy;
        }
    }

    /**
     * Fusion of the prefetches' results.
     *
     * @param method RRF or DBSF
     * @param rrfK RRF's k (score = Σ 1/(k + rank), rank from 0); null = 2. Ignored for DBSF.
     * @param weights RRF's per-prefetch weights (one per prefetch); null = all 1
     */
    record Fusion(FusionMethod method, Integer rrfK, List<Float> weights) implements Query {
        public Fusion {
            if (rrfK != null && rrfK < 1) {
                throw new IllegalArgumentException("rrf.k must be >= 1, got " + rrfK);
            }
            weights = weights == null ? null : List.copyOf(weights);
        }

        public Fusion(FusionMethod method, Integer rrfK) {
            this(method, rrfK, null);
        }

        public static Fusion rrf() {
            return new Fusion(FusionMethod.RRF, null);
        }

        public static Fusion dbsf() {
            return new Fusion(FusionMethod.DBSF, null);
        }
    }

    /**
     * Order by a payload field's value.
     *
     * @param key payload key
     * @param descending direction (default ascending)
     * @param startFrom first value to include; null = no bound
     */
    record OrderBy(String key, boolean descending, Double startFrom) implements Query {}

    /**
     * Re-scores the prefetches' results with a formula (see {@link
     * io.sextant.collection.query.formula.FormulaRescorer}).
     */
    record Formula(io.sextant.collection.query.formula.ParsedFormula formula) implements Query {}

    /**
     * Qdrant's {@code discover}: candidates rank first by how many context pairs they side with
     * (closer to the positive than to the negative), then by similarity to the target.
     *
     * @param target the primary objective
     * @param context pairs constraining the search space; empty = none (a plain target search)
     */
    record Discover(VectorInput target, List<ContextPair> context) implements Query {
        public Discover {
            context = context == null ? List.of() : List.copyOf(context);
        }
    }

    /**
     * Qdrant's {@code context}: no target; each candidate scores the summed loss of the pairs it is
     * on the wrong side of (0 when on the positive side of all).
     */
    record Context(List<ContextPair> pairs) implements Query {
        public Context {
            pairs = pairs == null ? List.of() : List.copyOf(pairs);
        }
    }

    /** A positive and a negative example of {@link Discover} and {@link Context}. */
    record ContextPair(VectorInput positive, VectorInput negative) {}

    /** Qdrant's {@code sample: "random"}: matching points (or prefetch candidates) in random order. */
    record Sample() implements Query {}

    /**
     * Qdrant's {@code relevance_feedback} with the naive strategy: {@code a * sim(target) + Σ
     * (Δfeedback)^b * c * (sim(better) - sim(worse))} over ordered pairs of feedback examples.
     *
     * @param target the original query
     * @param feedback examples with the score an oracle gave them; at least one
     * @param a weight of the target similarity
     * @param b exponent of a pair's feedback-score difference, >= 0
     * @param c weight of the pairs
     */
    record RelevanceFeedback(VectorInput target, List<Feedback> feedback, float a, float b, float c) implements Query {
        public RelevanceFeedback {
            feedback = List.copyOf(feedback);
            if (feedback.isEmpty()) {
                throw new IllegalArgumentException("feedback elements must be non-empty");
            }
            if (!(b >= 0)) {
                throw new IllegalArgumentException("b must be >= 0, got " + b);
            }
        }
    }

    /** One feedback example of {@link RelevanceFeedback} and its oracle score. */
    record Feedback(VectorInput example, float score) {}

    /** How recommend combines examples. */
    enum RecommendStrategy {
        /** query = avg(positive) + avg(positive) - avg(negative), then a normal nearest search. */
        AVERAGE_VECTOR,
        /**
         * Each candidate scores sigmoid(max positive similarity) if that beats the max negative
         * similarity, else -sigmoid(max negative similarity).
         */
        BEST_SCORE,
        /** Sum of similarities to positives minus sum of similarities to negatives. */
        SUM_SCORES
    }

    /** Fusion methods. */
    enum FusionMethod {
        /** Reciprocal rank fusion. */
        RRF,
        /** Distribution-based score fusion (mean ± 3σ normalization, then sum). */
        DBSF
    }
}
