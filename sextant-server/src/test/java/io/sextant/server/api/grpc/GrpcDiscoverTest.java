package io.sextant.server.api.grpc;

import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.VectorFactory.vector;
import static io.qdrant.client.VectorsFactory.vectors;
import static io.sextant.server.api.grpc.GrpcFixture.assertStatus;
import static io.sextant.server.api.grpc.GrpcFixture.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.grpc.Status;
import io.qdrant.client.QueryFactory;
import io.qdrant.client.VectorInputFactory;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Points;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.ScoredPoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * discover / context / sample / relevance_feedback in the gRPC Query and the legacy Discover and
 * DiscoverBatch calls, with the official Java client. Points 1..6 have the Dot vector {@code (i, 10
 * - i)}; for the pair (positive 2, negative 5) points 1, 3 and 4 side with the positive, 6 with the
 * negative.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcDiscoverTest {
    static final String C = "g";

    @TempDir
    static Path dir;

    GrpcFixture fx;

    @BeforeAll
    void start() {
        fx = new GrpcFixture(dir);
        get(fx.client.createCollectionAsync(
                C,
                VectorParams.newBuilder().setSize(2).setDistance(Distance.Dot).build()));
        List<PointStruct> pts = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            pts.add(PointStruct.newBuilder()
                    .setId(id(i))
                    .setVectors(vectors(i, 10 - i))
                    .build());
        }
        get(fx.client.upsertAsync(C, pts));
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    static List<Long> ids(List<ScoredPoint> hits) {
        return hits.stream().map(h -> h.getId().getNum()).toList();
    }

    static Points.ContextInputPair pair(long pos, long neg) {
        return Points.ContextInputPair.newBuilder()
                .setPositive(VectorInputFactory.vectorInput(id(pos)))
                .setNegative(VectorInputFactory.vectorInput(id(neg)))
                .build();
    }

    List<ScoredPoint> query(Points.Query q, int limit) {
        return get(fx.client.queryAsync(QueryPoints.newBuilder()
                .setCollectionName(C)
                .setQuery(q)
                .setLimit(limit)
                .build()));
    }

    @Test
    void discoverContextAndSampleQueries() {
        Points.DiscoverInput d = Points.DiscoverInput.newBuilder()
                .setTarget(VectorInputFactory.vectorInput(1, 0))
                .setContext(Points.ContextInput.newBuilder().addPairs(pair(2, 5)))
                .build();
        List<ScoredPoint> hits = query(QueryFactory.discover(d), 10);
        assertThat(ids(hits)).containsExactly(4L, 3L, 1L, 6L);
        assertThat(hits.get(0).getScore()).isCloseTo(1.9f, within(1e-6f));

        List<ScoredPoint> ctx = query(
                QueryFactory.context(
                        Points.ContextInput.newBuilder().addPairs(pair(2, 5)).build()),
                10);
        assertThat(ids(ctx)).containsExactly(1L, 3L, 4L, 6L);
        assertThat(ctx.get(3).getScore()).isCloseTo(-6f / 7, within(1e-6f));

        Set<List<Long>> orders = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            List<Long> sample = ids(query(QueryFactory.sample(Points.Sample.Random), 10));
            assertThat(sample).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L);
            orders.add(sample);
        }
        assertThat(orders).hasSizeGreaterThan(1);
    }

    @Test
    void relevanceFeedbackAndItsValidation() {
        Points.RelevanceFeedbackInput.Builder fb = Points.RelevanceFeedbackInput.newBuilder()
                .setTarget(VectorInputFactory.vectorInput(1, 0))
                .addFeedback(Points.FeedbackItem.newBuilder()
                        .setExample(VectorInputFactory.vectorInput(1, 1))
                        .setScore(0.5f))
                .setStrategy(Points.FeedbackStrategy.newBuilder()
                        .setNaive(Points.NaiveFeedbackStrategy.newBuilder()
                                .setA(1)
                                .setB(1)
                                .setC(1)));
        List<ScoredPoint> hits = query(QueryFactory.relevanceFeedback(fb.build()), 2);
        // no pairs: 1 * sim(target) = i
        assertThat(ids(hits)).containsExactly(6L, 5L);
        assertThat(hits.get(0).getScore()).isEqualTo(6f);

        fb.getStrategyBuilder().getNaiveBuilder().setB(-1);
        assertStatus(
                fx.client.queryAsync(QueryPoints.newBuilder()
                        .setCollectionName(C)
                        .setQuery(QueryFactory.relevanceFeedback(fb.build()))
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "must be 0.0 or larger");
    }

    @Test
    void legacyDiscoverAndBatch() {
        Points.DiscoverPoints discover = Points.DiscoverPoints.newBuilder()
                .setCollectionName(C)
                .setTarget(Points.TargetVector.newBuilder()
                        .setSingle(Points.VectorExample.newBuilder().setVector(vector(1, 0))))
                .addContext(Points.ContextExamplePair.newBuilder()
                        .setPositive(Points.VectorExample.newBuilder().setId(id(2)))
                        .setNegative(Points.VectorExample.newBuilder().setId(id(5))))
                .setLimit(2)
                .build();
        assertThat(ids(get(fx.client.discoverAsync(discover)))).containsExactly(4L, 3L);

        Points.DiscoverPoints contextOnly =
                discover.toBuilder().clearTarget().setLimit(10).build();
        List<Points.BatchResult> batch = get(fx.client.discoverBatchAsync(C, List.of(discover, contextOnly), null));
        assertThat(ids(batch.get(0).getResultList())).containsExactly(4L, 3L);
        assertThat(ids(batch.get(1).getResultList())).containsExactly(1L, 3L, 4L, 6L);

        assertStatus(
                fx.client.discoverAsync(contextOnly.toBuilder().clearContext().build()),
                Status.Code.INVALID_ARGUMENT,
                "target and/or context_pairs must be specified");
    }
}
