package io.sextant.collection.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sextant.segment.PointId;
import io.sextant.segment.query.ScoredPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScoreFusionTest {
    static ScoredPoint p(long id, float score) {
        return new ScoredPoint(PointId.of(id), 0, score, null, null, null);
    }

    @Test
    void rrfSumsReciprocalRanksFromZeroWithK() {
        List<ScoredPoint> fused =
                ScoreFusion.rrf(List.of(List.of(p(1, 9), p(2, 8)), List.of(p(2, 0.1f), p(3, 0.05f))), 60);
        assertThat(fused).extracting(ScoredPoint::id).containsExactly(PointId.of(2), PointId.of(1), PointId.of(3));
        assertThat(fused.get(0).score()).isCloseTo(1f / 61 + 1f / 60, within(1e-7f));
        assertThat(fused.get(1).score()).isCloseTo(1f / 60, within(1e-7f));
        assertThat(fused.get(2).score()).isCloseTo(1f / 61, within(1e-7f));
    }

    @Test
    void rrfWithTheLargestKStaysPositiveAndOrdered() {
        List<ScoredPoint> fused = ScoreFusion.rrf(
                List.of(List.of(p(1, 9), p(2, 8)), List.of(p(2, 0.1f), p(3, 0.05f))), Integer.MAX_VALUE);
        assertThat(fused).extracting(ScoredPoint::id).containsExactly(PointId.of(2), PointId.of(1), PointId.of(3));
        assertThat(fused).allSatisfy(h -> assertThat(h.score()).isPositive());
        assertThat(fused.get(1).score()).isCloseTo(1f / Integer.MAX_VALUE, within(1e-15f));
    }

    @Test
    void dbsfNormalizesEachListByMeanAndThreeSigma() {
        // list scores 1, 2, 3: mean 2, sample sigma sqrt(2/2) = 1 (Qdrant's); 3 -> (3 - (2 - 3s)) / 6s
        double s = 1;
        List<ScoredPoint> fused = ScoreFusion.dbsf(List.of(List.of(p(1, 3), p(2, 2), p(3, 1))), List.of(true));
        assertThat(fused.get(0).id()).isEqualTo(PointId.of(1));
        assertThat(fused.get(0).score()).isCloseTo((float) ((1 + 3 * s) / (6 * s)), within(1e-6f));
        assertThat(fused.get(1).score()).isCloseTo(0.5f, within(1e-6f));
        // a distance list (smaller is better) is flipped: the smallest distance is the best
        List<ScoredPoint> dist = ScoreFusion.dbsf(List.of(List.of(p(1, 0.1f), p(2, 5))), List.of(false));
        assertThat(dist.get(0).id()).isEqualTo(PointId.of(1));
        // one-element list: sigma 0 -> 0.5
        assertThat(ScoreFusion.dbsf(List.of(List.of(p(7, 42))), List.of(true))
                        .get(0)
                        .score())
                .isEqualTo(0.5f);
    }

    @Test
    void recommendMath() {
        float[] avg = RecommendScoring.averageVector(
                List.of(new float[] {1, 0}, new float[] {3, 0}), List.of(new float[] {0, 4}), 2);
        assertThat(avg).containsExactly(4, -4);
        assertThat(RecommendScoring.scaledFastSigmoid(0)).isEqualTo(0.5f);
        assertThat(RecommendScoring.scaledFastSigmoid(1)).isEqualTo(0.75f);
    }
}
