package io.sextant.server.api.grpc;

import static io.sextant.server.api.grpc.GrpcFixture.assertStatus;
import static io.sextant.server.api.grpc.GrpcFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.sextant.server.testing.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a node applies to new collections, over REST and gRPC: {@code storage.max_collections}
 * (here from {@code QDRANT__STORAGE__MAX_COLLECTIONS}) and the defaults {@code storage.hnsw_index},
 * {@code storage.optimizers}, {@code storage.wal}, {@code storage.on_disk_payload}.
 */
class NewCollectionConfigTest {

    private static final String BODY = "{\"vectors\":{\"size\":2,\"distance\":\"Dot\"}}";

    @TempDir
    Path dir;

    @Test
    void creatingBeyondTheLimitIsRefusedWith400() {
        try (GrpcFixture fx = new GrpcFixture(dir, Map.of("QDRANT__STORAGE__MAX_COLLECTIONS", "2"))) {
            TestServer s = fx.server;
            assertThat(s.put("/collections/a", BODY).status()).isEqualTo(200);
            get(fx.client.createCollectionAsync(
                    "b",
                    VectorParams.newBuilder()
                            .setSize(2)
                            .setDistance(Distance.Dot)
                            .build()));

            TestServer.Response third = s.put("/collections/c", BODY);
            assertThat(third.status()).isEqualTo(400);
            assertThat(third.json().path("status").path("error").asText()).contains("Max collections limit reached: 2");
            assertStatus(
                    fx.client.createCollectionAsync(
                            "c",
                            VectorParams.newBuilder()
                                    .setSize(2)
                                    .setDistance(Distance.Dot)
                                    .build()),
                    Status.Code.INVALID_ARGUMENT,
                    "Max collections limit reached: 2");
            // an existing name still gets its own answer, and deleting frees a place
            assertThat(s.put("/collections/a", BODY).status()).isEqualTo(409);
            assertThat(s.delete("/collections/a").status()).isEqualTo(200);
            assertThat(s.put("/collections/c", BODY).status()).isEqualTo(200);
            assertThat(s.get("/collections")
                            .json()
                            .path("result")
                            .path("collections")
                            .size())
                    .isEqualTo(2);
        }
    }

    @Test
    void nodeDefaultsApplyUnderWhatTheRequestSets() {
        try (GrpcFixture fx = new GrpcFixture(
                dir,
                Map.of(
                        "QDRANT__STORAGE__HNSW_INDEX__M", "32",
                        "QDRANT__STORAGE__HNSW_INDEX__EF_CONSTRUCT", "150",
                        "QDRANT__STORAGE__OPTIMIZERS__INDEXING_THRESHOLD_KB", "20000",
                        "QDRANT__STORAGE__WAL__WAL_CAPACITY_MB", "48",
                        "QDRANT__STORAGE__ON_DISK_PAYLOAD", "false"))) {
            TestServer s = fx.server;
            assertThat(s.put("/collections/plain", BODY).status()).isEqualTo(200);
            var config = s.get("/collections/plain").json().path("result").path("config");
            assertThat(config.path("hnsw_config").path("m").asInt()).isEqualTo(32);
            assertThat(config.path("hnsw_config").path("ef_construct").asInt()).isEqualTo(150);
            assertThat(config.path("optimizer_config")
                            .path("indexing_threshold")
                            .asLong())
                    .isEqualTo(20000);
            assertThat(config.path("wal_config").path("wal_capacity_mb").asInt())
                    .isEqualTo(48);
            assertThat(config.path("params").path("on_disk_payload").asBoolean())
                    .isFalse();

            // the request's own values win field by field
            assertThat(s.put(
                                    "/collections/tuned",
                                    "{\"vectors\":{\"size\":2,\"distance\":\"Dot\"},\"hnsw_config\":{\"m\":8},"
                                            + "\"on_disk_payload\":true}")
                            .status())
                    .isEqualTo(200);
            var tuned = s.get("/collections/tuned").json().path("result").path("config");
            assertThat(tuned.path("hnsw_config").path("m").asInt()).isEqualTo(8);
            assertThat(tuned.path("hnsw_config").path("ef_construct").asInt()).isEqualTo(150);
            assertThat(tuned.path("params").path("on_disk_payload").asBoolean()).isTrue();

            get(fx.client.createCollectionAsync(
                    "viagrpc",
                    VectorParams.newBuilder()
                            .setSize(2)
                            .setDistance(Distance.Dot)
                            .build()));
            var grpc = s.get("/collections/viagrpc").json().path("result").path("config");
            assertThat(grpc.path("hnsw_config").path("m").asInt()).isEqualTo(32);
            assertThat(grpc.path("wal_config").path("wal_capacity_mb").asInt()).isEqualTo(48);
            assertThat(grpc.path("params").path("on_disk_payload").asBoolean()).isFalse();
        }
    }
}
