package io.sextant.segment.query;

import java.util.ArrayList;
import java.util.List;

/**
 * A score computed from a candidate's similarities to several example vectors, as Qdrant's
 * example-driven queries define it: {@code discover}, {@code context}, {@code relevance_feedback}
 * and recommend's {@code best_score} and {@code sum_scores}. A search carrying one ({@link
 * CoreSearch#examples}) walks the HNSW graph (or scans) with this score instead of the distance to
 * one query vector, so the examples steer the traversal as in Qdrant; higher is always better.
 *
 * <p>{@link #combine} takes {@code sims[i]}, the similarity of {@code examples().get(i)} (query
 * side) to the candidate, oriented so larger is better (Euclid and Manhattan negated). The static
 * formulas are shared with the collection layer, which applies them to sparse and multivectors.
 * Immutable and thread-safe.
 */
public sealed interface ExampleScore {
    /** The example vectors, in the order {@link #combine} expects their similarities. */
    List<float[]> examples();

    /** The score of a candidate from its similarities to {@link #examples}. */
    float combine(float[] sims);

    /** The same score over other example vectors (for example normalized ones), same order. */
    ExampleScore withExamples(List<float[]> replaced);

    /** discover: examples are the target, then positive, negative of each context pair. */
    record Discover(List<float[]> examples) implements ExampleScore {
        public Discover {
            examples = List.copyOf(examples);
            if (examples.isEmpty() || examples.size() % 2 != 1) {
                throw new IllegalArgumentException("discover needs a target and whole pairs");
            }
        }

        @Override
        public float combine(float[] sims) {
            int rank = 0;
            for (int i = 1; i + 1 < sims.length; i += 2) {
                rank += Integer.signum(Float.compare(sims[i], sims[i + 1]));
            }
            return rank + scaledFastSigmoid(sims[0]);
        }

        @Override
        public ExampleScore withExamples(List<float[]> replaced) {
            return new Discover(replaced);
        }
    }

    /** context: examples are the positive, negative of each pair. */
    record Context(List<float[]> examples) implements ExampleScore {
        public Context {
            examples = List.copyOf(examples);
            if (examples.isEmpty() || examples.size() % 2 != 0) {
                throw new IllegalArgumentException("context needs whole pairs");
            }
        }

        @Override
        public float combine(float[] sims) {
            float sum = 0;
            for (int i = 0; i + 1 < sims.length; i += 2) {
                sum += contextTerm(sims[i], sims[i + 1]);
            }
            return sum;
        }

        @Override
        public ExampleScore withExamples(List<float[]> replaced) {
            return new Context(replaced);
        }
    }

    /**
     * Naive relevance feedback: examples are the target, then the feedback examples with their
     * oracle {@code scores}; {@code a * sim(target) + Σ w * (sim(pos) - sim(neg))} over the ordered
     * pairs whose scores differ by more than 0, {@code w = (Δscore)^b * c}.
     */
    record Feedback(List<float[]> examples, float[] scores, float a, float b, float c) implements ExampleScore {
        public Feedback {
            examples = List.copyOf(examples);
            scores = scores.clone();
            if (examples.size() != scores.length + 1) {
                throw new IllegalArgumentException("relevance feedback needs a target and one score per example");
            }
        }

        @Override
        public float combine(float[] sims) {
            float score = a * sims[0];
            for (int i = 0; i < scores.length; i++) {
                for (int j = 0; j < scores.length; j++) {
                    float confidence = scores[i] - scores[j];
                    if (i != j && confidence > 0) {
                        score += feedbackWeight(confidence, b, c) * (sims[i + 1] - sims[j + 1]);
                    }
                }
            }
            return score;
        }

        @Override
        public ExampleScore withExamples(List<float[]> replaced) {
            return new Feedback(replaced, scores, a, b, c);
        }
    }

    /** Recommend best_score: examples are the {@code positives} positive ones, then the negatives. */
    record BestScore(List<float[]> examples, int positives) implements ExampleScore {
        public BestScore {
            examples = List.copyOf(examples);
        }

        @Override
        public float combine(float[] sims) {
            float maxPos = Float.NEGATIVE_INFINITY;
            float maxNeg = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < sims.length; i++) {
                if (i < positives) {
                    maxPos = Math.max(maxPos, sims[i]);
                } else {
                    maxNeg = Math.max(maxNeg, sims[i]);
                }
            }
            return bestScore(maxPos, maxNeg);
        }

        @Override
        public ExampleScore withExamples(List<float[]> replaced) {
            return new BestScore(replaced, positives);
        }
    }

    /** Recommend sum_scores: Σ sim(positive) − Σ sim(negative); positives first. */
    record SumScores(List<float[]> examples, int positives) implements ExampleScore {
        public SumScores {
            examples = List.copyOf(examples);
        }

        @Override
        public float combine(float[] sims) {
            float s = 0;
            for (int i = 0; i < sims.length; i++) {
                s += i < positives ? sims[i] : -sims[i];
            }
            return s;
        }

        @Override
        public ExampleScore withExamples(List<float[]> replaced) {
            return new SumScores(replaced, positives);
        }
    }

    /** The margin of context pairs (Rust's {@code f32::EPSILON}). */
    float CONTEXT_MARGIN = Math.ulp(1f);

    /** {@code x / (1 + |x|)}, in (-1, 1). */
    static float fastSigmoid(float x) {
        return x / (1 + Math.abs(x));
    }

    /** {@code 0.5 * (fastSigmoid(x) + 1)}, in [0, 1]; infinities map to the bounds. */
    static float scaledFastSigmoid(float x) {
        if (Float.isInfinite(x)) {
            return x > 0 ? 1f : 0f;
        }
        return 0.5f * (fastSigmoid(x) + 1);
    }

    /** One context pair's term: 0 on the positive side, negative otherwise. */
    static float contextTerm(float simPositive, float simNegative) {
        return fastSigmoid(Math.min(simPositive - simNegative - CONTEXT_MARGIN, 0f));
    }

    /** best_score from the best positive and best negative similarity. */
    static float bestScore(float maxPos, float maxNeg) {
        return maxPos > maxNeg ? scaledFastSigmoid(maxPos) : -scaledFastSigmoid(maxNeg);
    }

    /** The weight of a feedback pair whose oracle scores differ by {@code confidence}. */
    static float feedbackWeight(float confidence, float b, float c) {
        return (float) Math.pow(confidence, b) * c;
    }

    /** The vectors of {@code examples} each transformed by {@code f} (e.g. normalized), same order. */
    static List<float[]> map(List<float[]> examples, java.util.function.UnaryOperator<float[]> f) {
        List<float[]> out = new ArrayList<>(examples.size());
        for (float[] e : examples) {
            out.add(f.apply(e));
        }
        return out;
    }
}
