package io.sextant.server.api.grpc;

import static io.sextant.server.api.grpc.GrpcFixture.assertStatus;
import static io.sextant.server.api.grpc.GrpcFixture.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.grpc.Status;
import io.qdrant.client.ConditionFactory;
import io.qdrant.client.QueryFactory;
import io.qdrant.client.ValueFactory;
import io.qdrant.client.grpc.Points;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Facet, the distance matrix and formula queries over gRPC with the official Java client. Data as
 * in the REST {@code AnalyticsApiTest}: Dot vectors 1 [1, 0], 2 [3, 0], 3 [0.1, 1], 4 [0.5, 2];
 * color red on 1, 3, 4 and blue on 2; price 1, 0.5, none, 5.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcAnalyticsTest {
    @TempDir
    static Path dir;

    GrpcFixture fx;

    @BeforeAll
    void start() {
        fx = new GrpcFixture(dir);
        ok(fx.server.put("/collections/a", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}"));
        ok(fx.server.put("/collections/a/points?wait=true", """
                {"points": [
                  {"id": 1, "vector": [1, 0], "payload": {"price": 1, "color": "red"}},
                  {"id": 2, "vector": [3, 0], "payload": {"price": 0.5, "color": "blue"}},
                  {"id": 3, "vector": [0.1, 1], "payload": {"color": "red"}},
                  {"id": 4, "vector": [0.5, 2], "payload": {"price": 5, "color": "red"}}
                ]}"""));
        ok(fx.server.put(
                "/collections/a/index?wait=true", "{\"field_name\": \"color\", \"field_schema\": \"keyword\"}"));
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    private static void ok(Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    @Test
    void facet() {
        List<Points.FacetHit> hits = get(fx.client.facetAsync(Points.FacetCounts.newBuilder()
                .setCollectionName("a")
                .setKey("color")
                .build()));
        assertThat(hits).hasSize(2);
        assertThat(hits.get(0).getValue().getStringValue()).isEqualTo("red");
        assertThat(hits.get(0).getCount()).isEqualTo(3);
        assertThat(hits.get(1).getValue().getStringValue()).isEqualTo("blue");
        assertThat(hits.get(1).getCount()).isEqualTo(1);
        assertStatus(
                fx.client.facetAsync(Points.FacetCounts.newBuilder()
                        .setCollectionName("a")
                        .setKey("price")
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "No appropriate index for faceting");
    }

    @Test
    void matrixPairsAndOffsets() {
        Points.SearchMatrixPoints req = Points.SearchMatrixPoints.newBuilder()
                .setCollectionName("a")
                .setLimit(1)
                .build();
        Points.SearchMatrixPairs pairs = get(fx.client.searchMatrixPairsAsync(req));
        // nearest other by dot product: 1 -> 2 (3), 2 -> 1 (3), 3 -> 4 (2.05), 4 -> 3 (2.05)
        long[][] expected = {{1, 2}, {2, 1}, {3, 4}, {4, 3}};
        assertThat(pairs.getPairsCount()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat(pairs.getPairs(i).getA().getNum()).isEqualTo(expected[i][0]);
            assertThat(pairs.getPairs(i).getB().getNum()).isEqualTo(expected[i][1]);
        }
        assertThat(pairs.getPairs(2).getScore()).isCloseTo(2.05f, within(1e-5f));
        Points.SearchMatrixOffsets off = get(fx.client.searchMatrixOffsetsAsync(req));
        assertThat(off.getOffsetsRowList()).containsExactly(0L, 1L, 2L, 3L);
        assertThat(off.getOffsetsColList()).containsExactly(1L, 0L, 3L, 2L);
        assertThat(off.getIdsList().stream().map(id -> id.getNum()).toList()).containsExactly(1L, 2L, 3L, 4L);
        assertStatus(
                fx.client.searchMatrixPairsAsync(
                        req.toBuilder().setUsing("nope").build()),
                Status.Code.INVALID_ARGUMENT,
                "nope");
    }

    @Test
    void formulaQuery() {
        // $score + 2 * price + (color == red), price defaulting to 0: 1 -> 4, 2 -> 4, 3 -> 1.1, 4 -> 11.5
        Points.Expression sum = Points.Expression.newBuilder()
                .setSum(Points.SumExpression.newBuilder()
                        .addSum(Points.Expression.newBuilder().setVariable("$score"))
                        .addSum(Points.Expression.newBuilder()
                                .setMult(Points.MultExpression.newBuilder()
                                        .addMult(Points.Expression.newBuilder().setVariable("price"))
                                        .addMult(Points.Expression.newBuilder().setConstant(2))))
                        .addSum(Points.Expression.newBuilder()
                                .setCondition(ConditionFactory.matchKeyword("color", "red"))))
                .build();
        Points.QueryPoints q = Points.QueryPoints.newBuilder()
                .setCollectionName("a")
                .addPrefetch(Points.PrefetchQuery.newBuilder()
                        .setQuery(QueryFactory.nearest(1f, 0f))
                        .setLimit(10))
                .setQuery(Points.Query.newBuilder()
                        .setFormula(Points.Formula.newBuilder()
                                .setExpression(sum)
                                .putDefaults("price", ValueFactory.value(0))))
                .build();
        List<Points.ScoredPoint> hits = get(fx.client.queryAsync(q));
        assertThat(hits.stream().map(h -> h.getId().getNum()).toList()).containsExactly(4L, 1L, 2L, 3L);
        assertThat(hits.get(0).getScore()).isCloseTo(11.5f, within(1e-5f));
        assertThat(hits.get(3).getScore()).isCloseTo(1.1f, within(1e-5f));
        assertStatus(
                fx.client.queryAsync(q.toBuilder()
                        .setQuery(Points.Query.newBuilder()
                                .setFormula(Points.Formula.newBuilder()
                                        .setExpression(
                                                Points.Expression.newBuilder().setVariable("price"))))
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "No value found in a payload nor defaults");
    }
}
