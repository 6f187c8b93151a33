package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vector {@code datatype} over HTTP with Qdrant's semantics: {@code float16} stores (and returns
 * and scores) half-precision values, {@code uint8} stores Qdrant's saturating cast of any value (formerly: integers 0..255 only, else a
 * 400 that changes nothing) and scores Cosine on the normalized stored bytes; both survive indexing
 * into immutable segments with graphs. Seeded.
 */
class VectorDatatypeApiTest {
    @TempDir
    static Path storage;

    static TestServer s;

    @BeforeAll
    static void start() {
        s = TestServer.start(storage);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    static void create(String name, String vectors) {
        Response r = s.put(
                "/collections/" + name,
                "{\"vectors\": " + vectors + ", \"optimizers_config\": {\"indexing_threshold\": 8}}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    static Response upsert(String name, String points) {
        return s.put("/collections/" + name + "/points?wait=true", "{\"points\": " + points + "}");
    }

    static float[] vectorOf(String name, int id) {
        Response r = s.get("/collections/" + name + "/points/" + id);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode v = r.json().at("/result/vector");
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) v.get(i).asDouble();
        }
        return out;
    }

    static float half(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }

    @Test
    void float16StoresHalfPrecision() {
        create("f16", "{\"size\": 4, \"distance\": \"Dot\", \"datatype\": \"float16\"}");
        assertThat(s.get("/collections/f16")
                        .json()
                        .at("/result/config/params/vectors/datatype")
                        .asText())
                .isEqualTo("float16");
        float[] given = {0.1f, 1f / 3, 1000.123f, -2.0009f};
        Response up = upsert("f16", "[{\"id\": 1, \"vector\": [0.1, 0.3333333333, 1000.123, -2.0009]}]");
        assertThat(up.status()).as(up.text()).isEqualTo(200);
        float[] back = vectorOf("f16", 1);
        for (int i = 0; i < 4; i++) {
            assertThat(back[i]).as("component %d", i).isEqualTo(half(given[i]));
        }
        assertThat(back[2]).isNotEqualTo(given[2]);
        Response hit = s.post("/collections/f16/points/query", "{\"query\": [1, 1, 1, 1]}");
        float expected = half(given[0]) + half(given[1]) + half(given[2]) + half(given[3]);
        assertThat(hit.json().at("/result/points/0/score").asDouble()).isCloseTo(expected, offset(1e-3));

        Response tooBig = upsert("f16", "[{\"id\": 2, \"vector\": [70000, 0, 0, 0]}]");
        assertThat(tooBig.status()).as(tooBig.text()).isEqualTo(400);
        assertThat(tooBig.json().at("/status/error").asText()).contains("float16");
        assertThat(s.get("/collections/f16/points/2").status()).isEqualTo(404);
    }

    @Test
    void uint8CastsLikeQdrant() {
        create("u8", "{\"size\": 3, \"distance\": \"Euclid\", \"datatype\": \"uint8\"}");
        Response ok = upsert("u8", "[{\"id\": 1, \"vector\": [0, 128, 255]}, {\"id\": 2, \"vector\": [3, 4, 0]}]");
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        assertThat(vectorOf("u8", 1)).containsExactly(0f, 128f, 255f);
        // Qdrant stores `value as u8`: truncated toward zero and saturated
        Response cast = upsert("u8", "[{\"id\": 3, \"vector\": [1.81, 256.19, -1]}]");
        assertThat(cast.status()).as(cast.text()).isEqualTo(200);
        assertThat(vectorOf("u8", 3)).containsExactly(1f, 255f, 0f);
        s.post("/collections/u8/points/delete?wait=true", "{\"points\": [3]}");
        // a rejected batch changes nothing, also through points/batch
        Response batch = s.post("/collections/u8/points/batch?wait=true", """
                {"operations": [
                  {"upsert": {"points": [{"id": 9, "vector": [1, 1, 1]}]}},
                  {"update_vectors": {"points": [{"id": 1, "vector": [0.5, 0]}]}}
                ]}
                """);
        assertThat(batch.status()).as(batch.text()).isEqualTo(400);
        assertThat(s.post("/collections/u8/points/count", "{}")
                        .json()
                        .at("/result/count")
                        .asInt())
                .isEqualTo(2);
        assertThat(vectorOf("u8", 1)).containsExactly(0f, 128f, 255f);
        // queries are free floats
        Response hit = s.post("/collections/u8/points/query", "{\"query\": [3.5, 4, 0], \"limit\": 1}");
        assertThat(hit.json().at("/result/points/0/id").asInt()).isEqualTo(2);
        assertThat(hit.json().at("/result/points/0/score").asDouble()).isCloseTo(0.5, offset(1e-5));
    }

    @Test
    void uint8CosineKeepsTheBytesAndScoresNormalized() {
        create("u8cos", "{\"size\": 3, \"distance\": \"Cosine\", \"datatype\": \"uint8\"}");
        Response ok = upsert("u8cos", "[{\"id\": 1, \"vector\": [255, 0, 0]}, {\"id\": 2, \"vector\": [10, 10, 0]}]");
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        assertThat(vectorOf("u8cos", 2)).containsExactly(10f, 10f, 0f);
        Response hit = s.post("/collections/u8cos/points/query", "{\"query\": [1, 1, 0], \"limit\": 2}");
        assertThat(hit.json().at("/result/points/0/id").asInt()).isEqualTo(2);
        assertThat(hit.json().at("/result/points/0/score").asDouble()).isCloseTo(1.0, offset(1e-5));
        assertThat(hit.json().at("/result/points/1/score").asDouble()).isCloseTo(Math.sqrt(0.5), offset(1e-5));
    }

    @Test
    void indexedSegmentsSearchLikeExact() {
        SplittableRandom rnd = new SplittableRandom(4242);
        for (String type : List.of("float16", "uint8")) {
            String name = "big-" + type;
            // 64 float32-bytes per vector: 8 KB indexing threshold, so 500 points get graphs
            create(name, "{\"size\": 16, \"distance\": \"Cosine\", \"datatype\": \"" + type + "\"}");
            StringBuilder pts = new StringBuilder("[");
            for (int i = 0; i < 500; i++) {
                pts.append(i == 0 ? "" : ",").append("{\"id\": ").append(i).append(", \"vector\": [");
                for (int d = 0; d < 16; d++) {
                    pts.append(d == 0 ? "" : ",")
                            .append(type.equals("uint8") ? String.valueOf(rnd.nextInt(256)) : "" + rnd.nextGaussian());
                }
                pts.append("]}");
            }
            Response up = upsert(name, pts.append("]").toString());
            assertThat(up.status()).as(up.text()).isEqualTo(200);
            awaitIndexed(name, 500);
            for (int t = 0; t < 10; t++) {
                StringBuilder q = new StringBuilder("[");
                for (int d = 0; d < 16; d++) {
                    q.append(d == 0 ? "" : ",").append(rnd.nextDouble() * 255);
                }
                String query = q.append("]").toString();
                List<Integer> exact = ids(s.post(
                        "/collections/" + name + "/points/query",
                        "{\"query\": " + query + ", \"limit\": 5, \"params\": {\"exact\": true}}"));
                List<Integer> graph = ids(s.post(
                        "/collections/" + name + "/points/query",
                        "{\"query\": " + query + ", \"limit\": 5, \"params\": {\"hnsw_ef\": 500}}"));
                assertThat(graph).as("%s query %d", type, t).isEqualTo(exact);
            }
        }
    }

    static void awaitIndexed(String name, int n) {
        s.awaitIndexed(name, n);
    }

    static List<Integer> ids(Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<Integer> out = new ArrayList<>();
        r.json().at("/result/points").forEach(p -> out.add(p.get("id").asInt()));
        return out;
    }
}
