package io.sextant.cluster.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.segment.PointId;
import io.sextant.segment.query.ScoredPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Merging replicas' search answers keeps the hits in score order whichever replica answered first:
 * with the answer lacking a hit read first, that hit used to come last ({@code
 * ReplicaSetGuaranteesTest} failed now and then on it, as [1, 3, 2]).
 */
class ReplicaAnswersTest {
    private static ScoredPoint hit(long id, float score) {
        return new ScoredPoint(PointId.of(id), 0, score, null, null, null);
    }

    private static List<Long> ids(List<ScoredPoint> hits) {
        return hits.stream().map(h -> Long.parseLong(h.id().toString())).toList();
    }

    @Test
    void aMajorityKeepsScoreOrderWhenTheAnswerMissingAHitCameFirst() {
        List<ScoredPoint> full = List.of(hit(1, 0.9f), hit(2, 0.8f), hit(3, 0.7f));
        List<ScoredPoint> lacking = List.of(hit(1, 0.9f), hit(3, 0.7f));
        assertThat(ids(ReplicaAnswers.hits(List.of(lacking, full, full), 2))).containsExactly(1L, 2L, 3L);
        assertThat(ids(ReplicaAnswers.hits(List.of(lacking, full, full), 3))).containsExactly(1L, 3L);
    }

    @Test
    void distancesStayAscending() {
        List<ScoredPoint> full = List.of(hit(1, 0.1f), hit(2, 0.2f), hit(3, 0.3f));
        List<ScoredPoint> lacking = List.of(hit(1, 0.1f), hit(3, 0.3f));
        assertThat(ids(ReplicaAnswers.hits(List.of(lacking, full), 1))).containsExactly(1L, 2L, 3L);
    }
}
