package io.sextant.server.api.grpc;

import static io.sextant.server.api.grpc.GrpcFixture.assertStatus;
import static io.sextant.server.api.grpc.GrpcFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.ShardKeyFactory;
import io.qdrant.client.VectorsFactory;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Points.PointStruct;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** API keys over gRPC: the {@code api-key} metadata with the same rules as REST. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcAuthTest {

    static final String KEY = "secret-admin-key";
    static final String RO_KEY = "secret-read-key";

    @TempDir
    static Path dir;

    GrpcFixture fx;
    QdrantClient admin;
    QdrantClient reader;

    @BeforeAll
    void start() {
        fx = new GrpcFixture(
                dir, Map.of("SEXTANT__SERVICE__API_KEY", KEY, "SEXTANT__SERVICE__READ_ONLY_API_KEY", RO_KEY));
        admin = client(KEY);
        reader = client(RO_KEY);
        get(admin.createCollectionAsync(
                "secured",
                VectorParams.newBuilder().setSize(2).setDistance(Distance.Dot).build()));
        get(admin.upsertAsync(
                "secured",
                List.of(PointStruct.newBuilder()
                        .setId(PointIdFactory.id(1))
                        .setVectors(VectorsFactory.vectors(1f, 2f))
                        .build())));
    }

    private QdrantClient client(String key) {
        return new QdrantClient(
                QdrantGrpcClient.newBuilder("127.0.0.1", fx.server.server().grpcPort(), false)
                        .withApiKey(key)
                        .build());
    }

    @AfterAll
    void stop() {
        reader.close();
        admin.close();
        fx.close();
    }

    @Test
    void clusterInfoIsReadAndClusterSetupIsManage() {
        assertThat(get(reader.getCollectionClusterInfoAsync("secured"))
                        .getLocalShards(0)
                        .getPointsCount())
                .isEqualTo(1);
        assertThat(get(reader.listShardKeysAsync("secured"))).isEmpty();
        Collections.CreateShardKeyRequest create = Collections.CreateShardKeyRequest.newBuilder()
                .setCollectionName("secured")
                .setRequest(Collections.CreateShardKey.newBuilder().setShardKey(ShardKeyFactory.shardKey("k")))
                .build();
        assertStatus(reader.createShardKeyAsync(create), Status.Code.PERMISSION_DENIED, "");
        // the admin gets past access control to the collection's answer (it is auto-sharded)
        assertStatus(admin.createShardKeyAsync(create), Status.Code.INVALID_ARGUMENT, "Auto sharding method");
    }

    @Test
    void missingOrWrongKeyIsUnauthenticated() {
        assertStatus(fx.client.listCollectionsAsync(), Status.Code.UNAUTHENTICATED, "API key");
        assertStatus(fx.client.countAsync("secured"), Status.Code.UNAUTHENTICATED, "API key");
        QdrantClient wrong = client("nope");
        try {
            assertStatus(wrong.countAsync("secured"), Status.Code.UNAUTHENTICATED, "Invalid");
        } finally {
            wrong.close();
        }
        // the Qdrant health check stays open, as over REST
        assertThat(get(fx.client.healthCheckAsync()).getVersion()).isNotEmpty();
    }

    @Test
    void readOnlyKeyReadsButCannotWriteOrManage() {
        assertThat(get(reader.countAsync("secured"))).isEqualTo(1);
        assertThat(get(reader.listCollectionsAsync())).contains("secured");
        assertStatus(
                reader.upsertAsync(
                        "secured",
                        List.of(PointStruct.newBuilder()
                                .setId(PointIdFactory.id(2))
                                .setVectors(VectorsFactory.vectors(1f, 2f))
                                .build())),
                Status.Code.PERMISSION_DENIED,
                "write access");
        assertStatus(reader.deleteCollectionAsync("secured"), Status.Code.PERMISSION_DENIED, "manage");
        assertStatus(
                reader.createVectorNameAsync(io.qdrant.client.grpc.Points.CreateVectorNameRequest.newBuilder()
                        .setCollectionName("secured")
                        .setVectorName("kw")
                        .setSparseConfig(io.qdrant.client.grpc.Points.SparseVectorCreationConfig.getDefaultInstance())
                        .build()),
                Status.Code.PERMISSION_DENIED,
                "write access");
        assertStatus(
                reader.deleteVectorNameAsync(io.qdrant.client.grpc.Points.DeleteVectorNameRequest.newBuilder()
                        .setCollectionName("secured")
                        .setVectorName("kw")
                        .build()),
                Status.Code.PERMISSION_DENIED,
                "write access");
        assertThat(get(admin.countAsync("secured"))).isEqualTo(1);
    }

    @Test
    void bearerTokenInAuthorizationMetadataIsAccepted() {
        QdrantClient bearer = new QdrantClient(
                QdrantGrpcClient.newBuilder("127.0.0.1", fx.server.server().grpcPort(), false)
                        .withHeaders(Map.of("authorization", "Bearer " + KEY))
                        .build());
        try {
            assertThat(get(bearer.collectionExistsAsync("secured"))).isTrue();
        } finally {
            bearer.close();
        }
    }
}
