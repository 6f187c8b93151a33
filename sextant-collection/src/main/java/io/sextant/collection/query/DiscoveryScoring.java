package io.sextant.collection.query;

import io.sextant.segment.query.ExampleScore;
import java.util.ArrayList;
import java.util.List;

/**
 * Scoring of the example-driven queries {@code discover}, {@code context} and {@code
 * relevance_feedback}, as Qdrant defines it, over any vector type {@code V} (dense, multi, sparse)
 * given a similarity oriented so larger is better. Stateless and thread-safe.
 *
 * <ul>
 *   <li>discover: {@code rank + sigmoid01(sim(target))}, rank = Σ over pairs of +1 when the
 *       candidate is more similar to the positive, -1 when more similar to the negative, 0 on a
 *       tie; so the integer part says in which zone the candidate is and the fraction how close it
 *       is to the target.
 *   <li>context: Σ over pairs of {@code fastSigmoid(min(sim(pos) - sim(neg) - ε, 0))}: 0 on the
 *       positive side of every pair, negative otherwise.
 *   <li>relevance_feedback (naive): {@code a * sim(target) + Σ w * (sim(pos) - sim(neg))} over
 *       ordered pairs of feedback examples whose oracle scores differ by more than 0, with {@code w
 *       = (score(pos) - score(neg))^b * c}.
 * </ul>
 */
public final class DiscoveryScoring {
    /** The margin of context pairs (Rust's {@code f32::EPSILON}). */
    static final float MARGIN = ExampleScore.CONTEXT_MARGIN;

    private DiscoveryScoring() {}

    /** Similarity of an example (query side) to a candidate; larger is better. */
    @FunctionalInterface
    public interface Sim<V> {
        float of(V example, V candidate);
    }

    /** A resolved context pair. */
    public record Pair<V>(V positive, V negative) {}

    /** A resolved feedback pair and its weight {@code (Δscore)^b * c}. */
    public record WeightedPair<V>(V positive, V negative, float weight) {}

    /** {@code x / (1 + |x|)}, in (-1, 1). */
    static float fastSigmoid(float x) {
        return ExampleScore.fastSigmoid(x);
    }

    /** +1, 0 or -1: the side of {@code pair} the candidate is on (by total order of floats). */
    static <V> int side(Sim<V> sim, V candidate, Pair<V> pair) {
        return Integer.signum(Float.compare(sim.of(pair.positive(), candidate), sim.of(pair.negative(), candidate)));
    }

    /** The discover score of {@code candidate}. */
    public static <V> float discover(Sim<V> sim, V candidate, V target, List<Pair<V>> pairs) {
        int rank = 0;
        for (Pair<V> p : pairs) {
            rank += side(sim, candidate, p);
        }
        return rank + ExampleScore.scaledFastSigmoid(sim.of(target, candidate));
    }

    /** The context score of {@code candidate}, at most 0. */
    public static <V> float context(Sim<V> sim, V candidate, List<Pair<V>> pairs) {
        float sum = 0;
        for (Pair<V> p : pairs) {
            sum += ExampleScore.contextTerm(sim.of(p.positive(), candidate), sim.of(p.negative(), candidate));
        }
        return sum;
    }

    /**
     * The weighted pairs of naive relevance feedback: every ordered pair (i, j) of examples with
     * {@code scores[i] - scores[j] > 0}, weighted {@code (scores[i] - scores[j])^b * c}.
     */
    public static <V> List<WeightedPair<V>> feedbackPairs(List<V> examples, List<Float> scores, float b, float c) {
        List<WeightedPair<V>> out = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            for (int j = 0; j < examples.size(); j++) {
                float confidence = scores.get(i) - scores.get(j);
                if (i == j || !(confidence > 0)) {
                    continue;
                }
                float w = ExampleScore.feedbackWeight(confidence, b, c);
                out.add(new WeightedPair<>(examples.get(i), examples.get(j), w));
            }
        }
        return out;
    }

    /** The naive relevance-feedback score of {@code candidate}. */
    public static <V> float feedback(Sim<V> sim, V candidate, V target, float a, List<WeightedPair<V>> pairs) {
        float score = a * sim.of(target, candidate);
        for (WeightedPair<V> p : pairs) {
            score += p.weight() * (sim.of(p.positive(), candidate) - sim.of(p.negative(), candidate));
        }
        return score;
    }
}
