package io.sextant.collection.query;

import io.sextant.segment.query.ExampleScore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The example-driven queries scored per candidate ({@link Query.Discover}, {@link Query.Context},
 * {@link Query.RelevanceFeedback}) taken apart for execution: {@link #inputs} lists every vector
 * input in a fixed order, so the engine resolves them all at once (ids, lookup_from, dense or
 * sparse), and {@link #scorer} rebuilds the query over the resolved vectors, in the same order.
 * Stateless and thread-safe.
 */
final class ExampleQuery {
    private ExampleQuery() {}

    /** Whether {@code q} is one of the queries handled here. */
    static boolean handles(Query q) {
        return q instanceof Query.Discover || q instanceof Query.Context || q instanceof Query.RelevanceFeedback;
    }

    /** Every vector input of {@code q}: target first (if any), then pairs or feedback examples. */
    static List<VectorInput> inputs(Query q) {
        List<VectorInput> out = new ArrayList<>();
        switch (q) {
            case Query.Discover d -> {
                out.add(d.target());
                pairs(d.context(), out);
            }
            case Query.Context c -> pairs(c.pairs(), out);
            case Query.RelevanceFeedback f -> {
                out.add(f.target());
                f.feedback().forEach(item -> out.add(item.example()));
            }
            default -> throw new IllegalArgumentException("not an example query: " + q);
        }
        return out;
    }

    private static void pairs(List<Query.ContextPair> pairs, List<VectorInput> out) {
        for (Query.ContextPair p : pairs) {
            out.add(p.positive());
            out.add(p.negative());
        }
    }

    /**
     * Vectors to seed candidate searches with when a collection is too large to score every point:
     * the target, or the positives of a context query.
     */
    static <V> List<V> seeds(Query q, List<V> resolved) {
        if (q instanceof Query.Context) {
            List<V> out = new ArrayList<>();
            for (int i = 0; i < resolved.size(); i += 2) {
                out.add(resolved.get(i));
            }
            return out;
        }
        return List.of(resolved.get(0));
    }

    /** The candidate scorer of {@code q}, with {@code resolved} the vectors of {@link #inputs}. */
    static <V> ToDoubleFunction<V> scorer(Query q, List<V> resolved, DiscoveryScoring.Sim<V> sim) {
        return switch (q) {
            case Query.Discover d -> {
                V target = resolved.get(0);
                List<DiscoveryScoring.Pair<V>> pairs = pairs(resolved, 1);
                yield v -> DiscoveryScoring.discover(sim, v, target, pairs);
            }
            case Query.Context c -> {
                List<DiscoveryScoring.Pair<V>> pairs = pairs(resolved, 0);
                yield v -> DiscoveryScoring.context(sim, v, pairs);
            }
            case Query.RelevanceFeedback f -> {
                V target = resolved.get(0);
                List<Float> scores =
                        f.feedback().stream().map(Query.Feedback::score).toList();
                List<DiscoveryScoring.WeightedPair<V>> pairs =
                        DiscoveryScoring.feedbackPairs(resolved.subList(1, resolved.size()), scores, f.b(), f.c());
                yield v -> DiscoveryScoring.feedback(sim, v, target, f.a(), pairs);
            }
            default -> throw new IllegalArgumentException("not an example query: " + q);
        };
    }

    /**
     * {@code q} as a segment-level {@link ExampleScore} over dense {@code resolved} vectors (in the
     * order of {@link #inputs}), for a search that walks the graph with it.
     */
    static ExampleScore exampleScore(Query q, List<float[]> resolved) {
        return switch (q) {
            case Query.Discover d -> new ExampleScore.Discover(resolved);
            case Query.Context c -> new ExampleScore.Context(resolved);
            case Query.RelevanceFeedback f -> {
                float[] scores = new float[f.feedback().size()];
                for (int i = 0; i < scores.length; i++) {
                    scores[i] = f.feedback().get(i).score();
                }
                yield new ExampleScore.Feedback(resolved, scores, f.a(), f.b(), f.c());
            }
            default -> throw new IllegalArgumentException("not an example query: " + q);
        };
    }

    private static <V> List<DiscoveryScoring.Pair<V>> pairs(List<V> resolved, int from) {
        List<DiscoveryScoring.Pair<V>> out = new ArrayList<>();
        for (int i = from; i + 1 < resolved.size(); i += 2) {
            out.add(new DiscoveryScoring.Pair<>(resolved.get(i), resolved.get(i + 1)));
        }
        return out;
    }
}
