package io.sextant.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.grpc.Status;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.QueryFactory;
import io.qdrant.client.VectorsFactory;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Points.LookupLocation;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.RecommendPoints;
import io.sextant.server.SextantServer;
import io.sextant.server.config.ConfigLoader;
import io.sextant.shard.LocalShard;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lookup_from} over gRPC with scoped JWTs: a token that may read only collection alpha cannot
 * read beta's vectors through a lookup (PERMISSION_DENIED), while a token for both can; the same
 * rule as {@link LookupAccessApiTest} checks over REST.
 */
class GrpcLookupAccessTest {
    static final String KEY = "grpc-lookup-secret";

    @TempDir
    static Path storage;

    static SextantServer server;

    @BeforeAll
    static void start() throws Exception {
        server = SextantServer.start(
                ConfigLoader.load(
                        null,
                        Map.of(
                                "SEXTANT__SERVICE__API_KEY", KEY,
                                "SEXTANT__SERVICE__JWT_RBAC", "true",
                                "SEXTANT__SERVICE__GRPC_PORT", "0"),
                        new ConfigLoader.CliOverrides("127.0.0.1", 0, null, storage)),
                LocalShard::open);
        try (QdrantClient admin = client(KEY)) {
            for (String c : List.of("alpha", "beta")) {
                admin.createCollectionAsync(
                                c,
                                VectorParams.newBuilder()
                                        .setSize(2)
                                        .setDistance(Distance.Dot)
                                        .build())
                        .get();
                admin.upsertAsync(c, List.of(point(1, 1f, 0f), point(2, 0f, 1f)))
                        .get();
            }
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static PointStruct point(long id, float a, float b) {
        return PointStruct.newBuilder()
                .setId(PointIdFactory.id(id))
                .setVectors(VectorsFactory.vectors(a, b))
                .build();
    }

    static QdrantClient client(String key) {
        return new QdrantClient(QdrantGrpcClient.newBuilder("127.0.0.1", server.grpcPort(), false)
                .withApiKey(key)
                .build());
    }

    static String token(List<Map<String, Object>> access) {
        return TestTokens.hs256(KEY, Map.of("sub", "tenant", "access", access));
    }

    static QueryPoints queryWithLookup(String from) {
        return QueryPoints.newBuilder()
                .setCollectionName("alpha")
                .setQuery(QueryFactory.nearest(PointIdFactory.id(1)))
                .setLookupFrom(LookupLocation.newBuilder().setCollectionName(from))
                .setLimit(1)
                .build();
    }

    static RecommendPoints recommendWithLookup(String from) {
        return RecommendPoints.newBuilder()
                .setCollectionName("alpha")
                .addPositive(PointIdFactory.id(1))
                .setLookupFrom(LookupLocation.newBuilder().setCollectionName(from))
                .setLimit(1)
                .build();
    }

    static Status.Code code(Future<?> f) {
        Throwable t = catchThrowable(f::get);
        assertThat(t).isInstanceOf(ExecutionException.class);
        return Status.fromThrowable(t.getCause()).getCode();
    }

    @Test
    void scopedTokenCannotReadAnotherCollectionThroughALookup() throws Exception {
        String onlyAlpha = token(List.of(Map.of("collection", "alpha", "access", "r")));
        try (QdrantClient c = client(onlyAlpha)) {
            assertThat(c.queryAsync(queryWithLookup("alpha")).get()).hasSize(1);
            assertThat(code(c.queryAsync(queryWithLookup("beta")))).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(code(c.queryAsync(queryWithLookup("missing")))).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(code(c.recommendAsync(recommendWithLookup("beta")))).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(code(c.queryBatchAsync("alpha", List.of(queryWithLookup("alpha"), queryWithLookup("beta")))))
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
        }
        String both = token(
                List.of(Map.of("collection", "alpha", "access", "r"), Map.of("collection", "beta", "access", "r")));
        try (QdrantClient c = client(both)) {
            assertThat(c.queryAsync(queryWithLookup("beta")).get()).hasSize(1);
            assertThat(c.recommendAsync(recommendWithLookup("beta")).get()).hasSize(1);
        }
    }
}
