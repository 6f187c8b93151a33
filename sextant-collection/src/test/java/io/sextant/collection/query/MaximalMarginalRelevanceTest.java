package io.sextant.collection.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.segment.PointId;
import io.sextant.segment.query.ScoredPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaximalMarginalRelevanceTest {
    private static ScoredPoint p(long id, float score) {
        return new ScoredPoint(PointId.of(id), 0, score, null, null, null);
    }

    // A and B nearly the same direction, C orthogonal to both
    private static final List<float[]> VECTORS =
            List.of(new float[] {1, 0}, new float[] {0.95f, 0.05f}, new float[] {0, 1});
    private static final float[] RELEVANCE = {1.0f, 0.9f, 0.5f};
    private static final List<ScoredPoint> CANDIDATES = List.of(p(1, 1.0f), p(2, 0.9f), p(3, 0.5f));

    private static float dot(float[] a, float[] b) {
        return a[0] * b[0] + a[1] * b[1];
    }

    @Test
    void diversityPrefersTheCandidateUnlikeTheSelected() {
        // lambda 0.5: after 1, B scores 0.45 - 0.5 * 0.95 < 0, C scores 0.25 - 0
        List<ScoredPoint> picked = MaximalMarginalRelevance.select(
                CANDIDATES, VECTORS, RELEVANCE, MaximalMarginalRelevanceTest::dot, 0.5f, 3);
        assertThat(picked).extracting(x -> ((PointId.Num) x.id()).value()).containsExactly(1L, 3L, 2L);
        assertThat(picked.get(1).score()).isEqualTo(0.5f); // scores are the nearest search's
    }

    @Test
    void lambdaOneIsPlainRelevanceOrderAndLimitCuts() {
        List<ScoredPoint> picked = MaximalMarginalRelevance.select(
                CANDIDATES, VECTORS, RELEVANCE, MaximalMarginalRelevanceTest::dot, 1f, 2);
        assertThat(picked).extracting(x -> ((PointId.Num) x.id()).value()).containsExactly(1L, 2L);
        assertThat(MaximalMarginalRelevance.select(
                        CANDIDATES, VECTORS, RELEVANCE, MaximalMarginalRelevanceTest::dot, 1f, 0))
                .isEmpty();
    }
}
