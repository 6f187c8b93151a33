package io.sextant.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.grpc.Status;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.Points;
import io.sextant.server.testing.TestServer;
import io.sextant.shard.LocalShard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a one-peer cluster, gRPC collection management goes through the metadata log like REST: the
 * commit index moves, bad input is refused before the log, and after a restart the replayed log
 * (gRPC-form entries included) rebuilds the same collections, index and alias.
 */
class ClusterGrpcMetadataTest {

    @TempDir
    Path storage;

    private TestServer node(int p2p) {
        return new TestServer(
                storage,
                LocalShard::open,
                Map.of("SEXTANT__CLUSTER__ENABLED", "true", "SEXTANT__CLUSTER__P2P__PORT", Integer.toString(p2p)));
    }

    private static QdrantClient grpc(TestServer s) {
        return new QdrantClient(
                QdrantGrpcClient.newBuilder("127.0.0.1", s.server().grpcPort(), false)
                        .build());
    }

    private static Collections.CreateCollection create(String name, int size) {
        return Collections.CreateCollection.newBuilder()
                .setCollectionName(name)
                .setVectorsConfig(Collections.VectorsConfig.newBuilder()
                        .setParams(Collections.VectorParams.newBuilder()
                                .setSize(size)
                                .setDistance(Collections.Distance.Euclid)))
                .build();
    }

    private static Status.Code code(Throwable t) {
        assertThat(t).isInstanceOf(ExecutionException.class);
        return Status.fromThrowable(t.getCause()).getCode();
    }

    @Test
    void grpcCollectionManagementGoesThroughTheLog() throws Exception {
        int p2p = ClusterRoutesTest.freePort();
        try (TestServer s = node(p2p);
                QdrantClient client = grpc(s)) {
            ClusterRoutesTest.awaitLeader(s);
            long before = ClusterRoutesTest.settledCommit(s);
            assertThat(code(catchThrowable(
                            () -> client.createCollectionAsync(create("bad", 0)).get(30, TimeUnit.SECONDS))))
                    .isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(ClusterRoutesTest.settledCommit(s))
                    .as("bad input never enters the log")
                    .isEqualTo(before);

            client.createCollectionAsync(create("g", 3)).get(30, TimeUnit.SECONDS);
            assertThat(code(catchThrowable(
                            () -> client.createCollectionAsync(create("g", 3)).get(30, TimeUnit.SECONDS))))
                    .as("second create, refused by the applied log entry")
                    .isEqualTo(Status.Code.ALREADY_EXISTS);
            Points.UpdateResult indexed = client.createPayloadIndexAsync(
                            "g",
                            "city",
                            Collections.PayloadSchemaType.Keyword,
                            null,
                            true,
                            null,
                            Duration.ofSeconds(30))
                    .get(30, TimeUnit.SECONDS);
            assertThat(indexed.getStatus()).isEqualTo(Points.UpdateStatus.Completed);
            client.updateCollectionAsync(Collections.UpdateCollection.newBuilder()
                            .setCollectionName("g")
                            .setOptimizersConfig(Collections.OptimizersConfigDiff.newBuilder()
                                    .setIndexingThreshold(1234))
                            .build())
                    .get(30, TimeUnit.SECONDS);
            client.createAliasAsync("ga", "g").get(30, TimeUnit.SECONDS);
            client.createCollectionAsync(create("doomed", 2)).get(30, TimeUnit.SECONDS);
            assertThat(client.deleteCollectionAsync("doomed")
                            .get(30, TimeUnit.SECONDS)
                            .getResult())
                    .isTrue();
            assertThat(ClusterRoutesTest.settledCommit(s)).isGreaterThan(before);
            assertGrpcMade(s);
        }
        try (TestServer s = node(p2p);
                QdrantClient client = grpc(s)) { // restart: the replayed log rebuilds the same state
            ClusterRoutesTest.awaitLeader(s);
            assertGrpcMade(s);
            assertThat(client.deleteCollectionAsync("g")
                            .get(30, TimeUnit.SECONDS)
                            .getResult())
                    .isTrue();
            assertThat(s.get("/collections/g").status()).isEqualTo(404);
            assertThat(s.get("/aliases").json().at("/result/aliases").size()).isZero();
        }
    }

    private static void assertGrpcMade(TestServer s) {
        var info = s.get("/collections/g").json().get("result");
        assertThat(info.at("/config/params/vectors/size").asInt()).isEqualTo(3);
        assertThat(info.at("/config/params/vectors/distance").asText()).isEqualTo("Euclid");
        assertThat(info.at("/config/params/shard_number").asInt())
                .as("left out over gRPC: the number of peers")
                .isEqualTo(1);
        assertThat(info.at("/config/optimizer_config/indexing_threshold").asInt())
                .isEqualTo(1234);
        assertThat(info.at("/payload_schema/city/data_type").asText()).isEqualTo("keyword");
        assertThat(s.get("/aliases").json().at("/result/aliases/0/alias_name").asText())
                .isEqualTo("ga");
        List<String> names =
                s.get("/collections").json().at("/result/collections").findValuesAsText("name");
        assertThat(names).containsExactly("g");
    }
}
