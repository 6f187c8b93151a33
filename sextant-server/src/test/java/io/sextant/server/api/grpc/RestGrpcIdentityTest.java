package io.sextant.server.api.grpc;

import static io.sextant.server.api.grpc.GrpcFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.ValueFactory;
import io.qdrant.client.VectorFactory;
import io.qdrant.client.VectorsFactory;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.sextant.server.api.grpc.convert.ValueProto;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same data read back over REST and gRPC is identical: points written over one API are read
 * over both (ids, payload value types, vectors) and compared as JSON, in both directions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestGrpcIdentityTest {

    static final ObjectMapper M = new ObjectMapper();
    static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final String UUID_ID = "5c56c793-69f3-4fbf-87e6-c4bf54c28c26";

    @TempDir
    static Path dir;

    GrpcFixture fx;

    @BeforeAll
    void start() {
        fx = new GrpcFixture(dir);
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    private static final String PAYLOAD = "{\"city\":\"berlin\",\"n\":-7,\"big\":9007199254740993,\"price\":1.5,"
            + "\"whole\":2.0,\"ok\":true,\"none\":null,\"tags\":[\"a\",1,2.5,false],"
            + "\"nested\":{\"deep\":{\"x\":[{\"y\":1}]}},\"empty\":{},\"list\":[]}";

    @Test
    void restWrittenReadsIdenticallyOverGrpc() throws Exception {
        create("rest_written");
        Response r = fx.server.put(
                "/collections/rest_written/points?wait=true",
                "{\"points\":[{\"id\":18446744073709551615,\"vector\":{\"a\":[0.1,0.2,0.3],\"b\":[1,2]},"
                        + "\"payload\":" + PAYLOAD + "},{\"id\":\"" + UUID_ID
                        + "\",\"vector\":{\"a\":[3,2,1]},\"payload\":{\"k\":\"v\"}}]}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertSameOverBoth("rest_written");
        JsonNode first = grpcJson("rest_written").get(0);
        assertThat(first.get("id").asText()).isEqualTo("18446744073709551615");
        assertThat(first.get("payload").toString())
                .isEqualTo(M.readTree(PAYLOAD).toString());
    }

    @Test
    void grpcWrittenReadsIdenticallyOverRest() throws Exception {
        create("grpc_written");
        ObjectNode payload = (ObjectNode) M.readTree(PAYLOAD);
        get(fx.client.upsertAsync(
                "grpc_written",
                List.of(
                        PointStruct.newBuilder()
                                .setId(PointIdFactory.id(-1L)) // u64 max
                                .setVectors(VectorsFactory.namedVectors(Map.of(
                                        "a", VectorFactory.vector(0.1f, 0.2f, 0.3f),
                                        "b", VectorFactory.vector(1f, 2f))))
                                .putAllPayload(ValueProto.toProtoMap(payload))
                                .build(),
                        PointStruct.newBuilder()
                                .setId(PointIdFactory.id(java.util.UUID.fromString(UUID_ID)))
                                .setVectors(VectorsFactory.namedVectors(Map.of("a", VectorFactory.vector(3f, 2f, 1f))))
                                .putPayload("k", ValueFactory.value("v"))
                                .build())));
        assertSameOverBoth("grpc_written");
        JsonNode rest = restJson("grpc_written");
        assertThat(rest.get(0).get("payload").toString()).isEqualTo(payload.toString());
        assertThat(rest.get(0).get("id").asText()).isEqualTo("18446744073709551615");
        assertThat(rest.get(1).get("id").asText()).isEqualTo(UUID_ID);
    }

    private void create(String name) {
        Response r = fx.server.put(
                "/collections/" + name,
                "{\"vectors\":{\"a\":{\"size\":3,\"distance\":\"Dot\"},\"b\":{\"size\":2,\"distance\":\"Euclid\"}}}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    private void assertSameOverBoth(String collection) {
        JsonNode rest = restJson(collection);
        JsonNode grpc = grpcJson(collection);
        assertThat(rest).hasSize(2);
        // the JSON text is what clients see: identical text, number forms included
        assertThat(grpc.toString()).isEqualTo(rest.toString());
    }

    /** Points as REST returns them: [{id, payload, vector}], sorted as returned. */
    private JsonNode restJson(String collection) {
        Response r = fx.server.post(
                "/collections/" + collection + "/points",
                "{\"ids\":[18446744073709551615,\"" + UUID_ID + "\"],\"with_payload\":true,\"with_vector\":true}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        ArrayNode out = F.arrayNode();
        for (JsonNode p : r.json().get("result")) {
            ObjectNode o = out.addObject();
            o.put("id", p.get("id").asText());
            o.set("payload", p.get("payload"));
            ObjectNode vec = o.putObject("vector");
            p.get("vector").properties().forEach(e -> {
                ArrayNode a = vec.putArray(e.getKey());
                e.getValue().forEach(x -> a.add((float) x.asDouble()));
            });
        }
        return out;
    }

    /** The same points over gRPC, turned into the same JSON shape. */
    private JsonNode grpcJson(String collection) {
        List<PointId> ids =
                new ArrayList<>(List.of(PointIdFactory.id(-1L), PointIdFactory.id(java.util.UUID.fromString(UUID_ID))));
        List<RetrievedPoint> points = get(fx.client.retrieveAsync(
                collection,
                ids,
                WithPayloadSelectorFactory.enable(true),
                WithVectorsSelectorFactory.enable(true),
                null));
        ArrayNode out = F.arrayNode();
        for (RetrievedPoint p : points) {
            ObjectNode o = out.addObject();
            o.put(
                    "id",
                    p.getId().hasUuid()
                            ? p.getId().getUuid()
                            : Long.toUnsignedString(p.getId().getNum()));
            o.set("payload", ValueProto.toObject(p.getPayloadMap()));
            ObjectNode vec = o.putObject("vector");
            p.getVectors().getVectors().getVectorsMap().forEach((name, v) -> {
                ArrayNode a = vec.putArray(name);
                v.getDense().getDataList().forEach(a::add);
            });
        }
        return out;
    }
}
