package io.sextant.server.api.grpc;

import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.QueryFactory.nearest;
import static io.qdrant.client.ValueFactory.value;
import static io.qdrant.client.VectorsFactory.vectors;
import static io.sextant.server.api.grpc.GrpcFixture.assertStatus;
import static io.sextant.server.api.grpc.GrpcFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Points;
import io.qdrant.client.grpc.Points.PointStruct;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile sizes over gRPC with the official client against 10 points: limits, offsets, {@code
 * hnsw_ef} and group sizes near the top of their types answer with at most the 10 points (exactly
 * the ones after the offset), a batch over the result budget gets {@code INVALID_ARGUMENT}; never
 * {@code INTERNAL}, and the server keeps serving.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcRequestLimitsTest {
    static final int N = 10;
    static final long HUGE = 2_000_000_000L;
    static final long MAX = Integer.MAX_VALUE;

    @TempDir
    static Path dir;

    GrpcFixture fx;

    @BeforeAll
    void start() {
        fx = new GrpcFixture(dir);
        get(fx.client.createCollectionAsync(
                "lim",
                VectorParams.newBuilder().setSize(4).setDistance(Distance.Dot).build()));
        List<PointStruct> points = new ArrayList<>();
        for (int i = 1; i <= N; i++) {
            points.add(PointStruct.newBuilder()
                    .setId(id(i))
                    .setVectors(vectors(i, 1f, 0f, 0f))
                    .putAllPayload(Map.of("g", value("g" + i % 3)))
                    .build());
        }
        get(fx.client.upsertAsync("lim", points));
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    static Points.SearchPoints.Builder search(long limit) {
        return Points.SearchPoints.newBuilder()
                .setCollectionName("lim")
                .addAllVector(List.of(1f, 0.5f, 0f, 0f))
                .setLimit(limit);
    }

    @Test
    void hugeLimitsOffsetsAndEf() {
        Points.QueryPoints.Builder q =
                Points.QueryPoints.newBuilder().setCollectionName("lim").setQuery(nearest(1f, 0.5f, 0f, 0f));
        assertThat(get(fx.client.queryAsync(q.clone().setLimit(HUGE).build()))).hasSize(N);
        assertThat(get(fx.client.queryAsync(q.clone().setLimit(MAX).setOffset(3).build())))
                .hasSize(N - 3)
                .first()
                .satisfies(p -> assertThat(p.getId().getNum()).isEqualTo(7));
        assertThat(get(fx.client.queryAsync(
                        q.clone().setLimit(MAX).setOffset(MAX).build())))
                .isEmpty();
        assertThat(get(fx.client.queryAsync(q.clone()
                        .setLimit(HUGE)
                        .setParams(Points.SearchParams.newBuilder().setHnswEf(MAX))
                        .build())))
                .hasSize(N);
        assertThat(get(fx.client.searchAsync(search(HUGE).setOffset(2).build())))
                .hasSize(N - 2);
        assertThat(get(fx.client.recommendAsync(Points.RecommendPoints.newBuilder()
                        .setCollectionName("lim")
                        .addPositive(id(1))
                        .setLimit(HUGE)
                        .build())))
                .hasSize(N - 1);
        List<Points.PointGroup> groups = get(fx.client.searchGroupsAsync(Points.SearchPointGroups.newBuilder()
                .setCollectionName("lim")
                .addAllVector(List.of(1f, 0.5f, 0f, 0f))
                .setGroupBy("g")
                .setGroupSize((int) MAX)
                .setLimit((int) MAX)
                .build()));
        assertThat(groups.stream().mapToInt(Points.PointGroup::getHitsCount).sum())
                .isEqualTo(N);
        assertThat(get(fx.client.searchBatchAsync(
                        "lim", Collections.nCopies(3, search(HUGE).build()), null)))
                .allSatisfy(r -> assertThat(r.getResultCount()).isEqualTo(N));
    }

    @Test
    void aBatchOverTheResultBudgetIsInvalidArgument() {
        assertStatus(
                fx.client.searchBatchAsync(
                        "lim", Collections.nCopies(100_001, search(HUGE).build()), null),
                Status.Code.INVALID_ARGUMENT,
                "1000010 > 1000000");
        assertThat(get(fx.client.searchAsync(search(3).build()))).hasSize(3);
    }
}
