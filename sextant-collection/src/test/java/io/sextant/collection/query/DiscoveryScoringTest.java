package io.sextant.collection.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sextant.vector.Distance;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The discover / context / relevance-feedback formulas against hand-computed values (Dot similarity). */
class DiscoveryScoringTest {
    static final DiscoveryScoring.Sim<float[]> DOT = RecommendScoring.PairSimilarity.of(Distance.DOT, 0)::of;

    static float[] v(float... x) {
        return x;
    }

    static DiscoveryScoring.Pair<float[]> pair(float[] pos, float[] neg) {
        return new DiscoveryScoring.Pair<>(pos, neg);
    }

    @Test
    void discoverIsRankPlusScaledSigmoidOfTargetSimilarity() {
        float[] candidate = v(1, 0);
        float[] target = v(0.5f, 0); // sim 0.5 -> 0.5 * (0.5 / 1.5 + 1) = 2/3
        var closerToPositive = pair(v(1, 0), v(0, 1)); // 1 vs 0: +1
        var closerToNegative = pair(v(0, 1), v(1, 0)); // 0 vs 1: -1
        var tie = pair(v(0, 0), v(0, 0)); // 0 vs 0: 0
        assertThat(DiscoveryScoring.discover(DOT, candidate, target, List.of())).isCloseTo(2f / 3, within(1e-6f));
        assertThat(DiscoveryScoring.discover(DOT, candidate, target, List.of(closerToPositive, closerToPositive, tie)))
                .isCloseTo(2 + 2f / 3, within(1e-6f));
        assertThat(DiscoveryScoring.discover(DOT, candidate, target, List.of(closerToNegative, tie)))
                .isCloseTo(-1 + 2f / 3, within(1e-6f));
        // a negative target similarity: -3 -> 0.5 * (-3/4 + 1) = 0.125
        assertThat(DiscoveryScoring.discover(DOT, candidate, v(-3, 0), List.of()))
                .isCloseTo(0.125f, within(1e-6f));
    }

    @Test
    void contextSumsTheLossOfPairsOnTheWrongSide() {
        float[] candidate = v(1, 0);
        var wrongSide = pair(v(0, 1), v(1, 0)); // 0 - 1 = -1 -> -1 / 2 = -0.5
        var rightSide = pair(v(1, 0), v(0, 1)); // 1 - 0 > 0 -> 0
        var farWrong = pair(v(0, 0), v(3, 0)); // 0 - 3 = -3 -> -3 / 4 = -0.75
        assertThat(DiscoveryScoring.context(DOT, candidate, List.of(rightSide))).isEqualTo(0f);
        assertThat(DiscoveryScoring.context(DOT, candidate, List.of(wrongSide, rightSide, farWrong)))
                .isCloseTo(-1.25f, within(1e-6f));
        // a tie is just inside the wrong side (the margin): slightly below 0
        float tie = DiscoveryScoring.context(DOT, candidate, List.of(pair(v(1, 0), v(1, 0))));
        assertThat(tie).isLessThan(0f).isGreaterThan(-1e-6f);
    }

    @Test
    void feedbackPairsEveryOrderedPairWithAPositiveScoreDifference() {
        float[] e1 = v(1, 0);
        float[] e2 = v(0, 1);
        float[] e3 = v(0, 0);
        // scores 0.9, 0.4, 0.4: pairs (e1,e2) and (e1,e3) with weight 0.5^2 * 3 = 0.75; e2/e3 tie
        var pairs = DiscoveryScoring.feedbackPairs(List.of(e1, e2, e3), List.of(0.9f, 0.4f, 0.4f), 2, 3);
        assertThat(pairs).hasSize(2);
        assertThat(pairs).allSatisfy(p -> {
            assertThat(p.positive()).isSameAs(e1);
            assertThat(p.weight()).isCloseTo(0.75f, within(1e-6f));
        });
        assertThat(pairs.stream().map(DiscoveryScoring.WeightedPair::negative)).containsExactly(e2, e3);

        // candidate (2,1), target (1,1), a = 0.5: 0.5 * 3 + 0.75 * (2 - 1) + 0.75 * (2 - 0) = 3.75
        assertThat(DiscoveryScoring.feedback(DOT, v(2, 1), v(1, 1), 0.5f, pairs))
                .isCloseTo(3.75f, within(1e-5f));
        // one example: no pairs, the score is a * sim(target)
        var none = DiscoveryScoring.feedbackPairs(List.of(e1), List.of(0.9f), 100, 100);
        assertThat(none).isEmpty();
        assertThat(DiscoveryScoring.feedback(DOT, v(2, 1), v(1, 1), 1f, none)).isEqualTo(3f);
    }

    @Test
    void exampleQueryRebuildsTheQueryOverResolvedInputs() {
        Query.Discover d = new Query.Discover(
                VectorInput.of(0.5f, 0), List.of(new Query.ContextPair(VectorInput.of(1, 0), VectorInput.of(0, 1))));
        List<VectorInput> inputs = ExampleQuery.inputs(d);
        assertThat(inputs).hasSize(3);
        List<float[]> resolved =
                inputs.stream().map(i -> ((VectorInput.Dense) i).vector()).toList();
        assertThat(ExampleQuery.scorer(d, resolved, DOT).applyAsDouble(v(1, 0))).isCloseTo(1 + 2.0 / 3, within(1e-6));
        assertThat(ExampleQuery.seeds(d, resolved)).containsExactly(resolved.get(0));

        Query.Context c = new Query.Context(List.of(
                new Query.ContextPair(VectorInput.of(0, 1), VectorInput.of(1, 0)),
                new Query.ContextPair(VectorInput.of(2, 2), VectorInput.of(0, 0))));
        List<float[]> cr = ExampleQuery.inputs(c).stream()
                .map(i -> ((VectorInput.Dense) i).vector())
                .toList();
        assertThat(ExampleQuery.seeds(c, cr)).containsExactly(cr.get(0), cr.get(2));
        assertThat(ExampleQuery.scorer(c, cr, DOT).applyAsDouble(v(1, 0))).isCloseTo(-0.5, within(1e-6));
    }
}
