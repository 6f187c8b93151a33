package io.sextant.server.api.grpc;

import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.ValueFactory.value;
import static io.qdrant.client.VectorsFactory.vectors;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Points.PointStruct;
import io.sextant.server.SextantServer;
import io.sextant.server.config.ConfigLoader;
import io.sextant.shard.LocalShard;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gRPC reads feed the same issue board as REST: {@code GET /issues} lists their unindexed keys. */
class GrpcIssuesTest {
    @TempDir
    Path storage;

    @Test
    void unindexedKeysFromGrpcCountAndScrollShowUpInIssues() throws Exception {
        SextantServer server = SextantServer.start(
                ConfigLoader.load(
                        null,
                        Map.of("SEXTANT__SERVICE__GRPC_PORT", "0"),
                        new ConfigLoader.CliOverrides("127.0.0.1", 0, null, storage)),
                LocalShard::open);
        try (QdrantClient client = new QdrantClient(QdrantGrpcClient.newBuilder("127.0.0.1", server.grpcPort(), false)
                .build())) {
            client.createCollectionAsync(
                            "docs",
                            VectorParams.newBuilder()
                                    .setSize(2)
                                    .setDistance(Distance.Dot)
                                    .build())
                    .get();
            client.upsertAsync(
                            "docs",
                            List.of(PointStruct.newBuilder()
                                    .setId(id(1))
                                    .setVectors(vectors(1f, 2f))
                                    .putAllPayload(Map.of("color", value("red"), "shape", value("round")))
                                    .build()))
                    .get();
            assertThat(issueIds(server)).isEmpty();
            client.countAsync(
                            "docs",
                            Filter.newBuilder()
                                    .addMust(matchKeyword("color", "red"))
                                    .build(),
                            true)
                    .get();
            client.scrollAsync(io.qdrant.client.grpc.Points.ScrollPoints.newBuilder()
                            .setCollectionName("docs")
                            .setFilter(Filter.newBuilder().addMust(matchKeyword("shape", "round")))
                            .build())
                    .get();
            assertThat(issueIds(server))
                    .containsExactlyInAnyOrder("UNINDEXED_FIELD/docs/color", "UNINDEXED_FIELD/docs/shape");
        } finally {
            server.close();
        }
    }

    private static List<String> issueIds(SextantServer server) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/issues"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        JsonNode issues = new ObjectMapper().readTree(r.body()).at("/result/issues");
        return StreamSupport.stream(issues.spliterator(), false)
                .map(i -> i.path("id").asText())
                .toList();
    }
}
