package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code PUT/DELETE /collections/{c}/vectors/{name}} on a live collection with points: existing
 * points lack a created vector, a dropped one leaves every point and the config, both survive a
 * restart; bad input is a 4xx that changes nothing.
 */
class NamedVectorsApiTest {
    @TempDir
    Path storage;

    private static void ok(Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    private static void create(TestServer s) {
        ok(s.put("/collections/c", """
                {"vectors": {"a": {"size": 2, "distance": "Dot"}, "b": {"size": 3, "distance": "Euclid"}},
                 "optimizers_config": {"indexing_threshold": 1}}"""));
        StringBuilder pts = new StringBuilder("{\"points\": [");
        for (int i = 0; i < 100; i++) {
            pts.append(i == 0 ? "" : ",")
                    .append("{\"id\": ")
                    .append(i)
                    .append(", \"vector\": {\"a\": [1, ")
                    .append(i)
                    .append("], \"b\": [")
                    .append(i)
                    .append(", 0, 1]}, \"payload\": {\"i\": ")
                    .append(i)
                    .append("}}");
        }
        ok(s.put("/collections/c/points?wait=true", pts.append("]}").toString()));
    }

    private static void awaitGraphs(TestServer s) {
        for (int i = 0; i < 600; i++) {
            JsonNode info = s.get("/collections/c").json().get("result");
            if (info.get("status").asText().equals("green")
                    && info.get("indexed_vectors_count").asLong() > 0) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no graph built: " + s.get("/collections/c").text());
    }

    private static JsonNode vectors(TestServer s, int id) {
        Response r = s.get("/collections/c/points/" + id);
        ok(r);
        return r.json().at("/result/vector");
    }

    @Test
    void createAndDropOnALiveCollectionSurviveRestart() {
        try (TestServer s = TestServer.start(storage)) {
            create(s);
            awaitGraphs(s); // so that immutable segments with graphs are among those that change
            Response r = s.put(
                    "/collections/c/vectors/img?wait=true", "{\"dense\": {\"size\": 4, \"distance\": \"Cosine\"}}");
            ok(r);
            assertThat(r.json().at("/result/status").asText()).isEqualTo("completed");
            ok(s.put("/collections/c/vectors/words?wait=true", "{\"sparse\": {\"modifier\": \"idf\"}}"));
            ok(s.delete("/collections/c/vectors/b?wait=true"));

            JsonNode params = s.get("/collections/c").json().at("/result/config/params");
            assertThat(params.at("/vectors").fieldNames()).toIterable().containsExactlyInAnyOrder("a", "img");
            assertThat(params.at("/vectors/img/size").asInt()).isEqualTo(4);
            assertThat(params.at("/sparse_vectors/words/modifier").asText()).isEqualTo("idf");
            assertThat(vectors(s, 5).fieldNames()).toIterable().containsExactly("a");

            ok(s.put("/collections/c/points/vectors?wait=true", """
                    {"points": [{"id": 5, "vector": {"img": [0, 0, 3, 4],
                      "words": {"indices": [7], "values": [1.5]}}}]}"""));
            assertThat(vectors(s, 5).at("/img").toString()).isEqualTo("[0.0,0.0,0.6,0.8]");
            assertThat(vectors(s, 5).at("/a").toString()).isEqualTo("[1.0,5.0]");
            Response count = s.post(
                    "/collections/c/points/count",
                    "{\"exact\": true, \"filter\": {\"must\": [{\"has_vector\": \"img\"}]}}");
            assertThat(count.json().at("/result/count").asInt()).isEqualTo(1);
            Response search = s.post("/collections/c/points/query", "{\"query\": [0, 0, 1, 1], \"using\": \"img\"}");
            ok(search);
            assertThat(search.json().at("/result/points").size()).isEqualTo(1);
            assertThat(s.post("/collections/c/points/query", "{\"query\": [1, 2, 3], \"using\": \"b\"}")
                            .status())
                    .isEqualTo(400);
        }
        try (TestServer s = TestServer.start(storage)) {
            JsonNode params = s.get("/collections/c").json().at("/result/config/params");
            assertThat(params.at("/vectors").fieldNames()).toIterable().containsExactlyInAnyOrder("a", "img");
            assertThat(vectors(s, 5).at("/img").toString()).isEqualTo("[0.0,0.0,0.6,0.8]");
            assertThat(vectors(s, 5).at("/words/indices").toString()).isEqualTo("[7]");
            assertThat(vectors(s, 6).fieldNames()).toIterable().containsExactly("a");
            assertThat(s.post("/collections/c/points/count", "{\"exact\": true}")
                            .json()
                            .at("/result/count")
                            .asInt())
                    .isEqualTo(100);
        }
    }

    @Test
    void badInputIsA4xxThatChangesNothing() {
        try (TestServer s = TestServer.start(storage)) {
            create(s);
            String before = s.get("/collections/c").json().at("/result/config").toString();
            String dense4 = "{\"dense\": {\"size\": 4, \"distance\": \"Cosine\"}}";
            assertThat(s.put("/collections/none/vectors/x", dense4).status()).isEqualTo(404);
            assertThat(s.delete("/collections/none/vectors/x").status()).isEqualTo(404);
            Response exists = s.put("/collections/c/vectors/a", dense4);
            assertThat(exists.status()).as(exists.text()).isEqualTo(400);
            assertThat(exists.json().at("/status/error").asText()).contains("already exists");
            assertThat(s.put("/collections/c/vectors/a", "{\"sparse\": {}}").status())
                    .isEqualTo(400);
            Response zero = s.put("/collections/c/vectors/z", "{\"dense\": {\"size\": 0, \"distance\": \"Dot\"}}");
            assertThat(zero.status()).isEqualTo(422);
            assertThat(zero.json().at("/status/error").asText()).contains("dense.size");
            Response empty =
                    s.put("/collections/c/points/vectors?wait=true", "{\"points\": [{\"id\": 1, \"vector\": {}}]}");
            assertThat(empty.status()).isEqualTo(422);
            assertThat(empty.json().at("/status/error").asText())
                    .isEqualTo(
                            "Validation error in JSON body: [points[0].vector: must specify vectors to update for point]");
            Response unknown = s.put(
                    "/collections/c/points/vectors?wait=true",
                    "{\"points\": [{\"id\": 12345, \"vector\": {\"a\": [1, 1]}, \"payload\": {\"x\": 1}}]}");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().at("/status/error").asText())
                    .isEqualTo("Not found: No point with id 12345 found");
            assertThat(s.put("/collections/c/vectors/z", "{\"dense\": {\"size\": 65537, \"distance\": \"Dot\"}}")
                            .status())
                    .isEqualTo(422);
            assertThat(s.put("/collections/c/vectors/z", "{\"dense\": {\"size\": 2, \"distance\": \"Nope\"}}")
                            .status())
                    .isEqualTo(400);
            assertThat(s.put(
                                    "/collections/c/vectors/z",
                                    "{\"dense\": {\"size\": 2, \"distance\": \"Dot\"}, " + "\"sparse\": {}}")
                            .status())
                    .isEqualTo(400);
            assertThat(s.put("/collections/c/vectors/z", "{}").status()).isEqualTo(400);
            assertThat(s.put("/collections/c/vectors/z", "[1]").status()).isEqualTo(400);
            assertThat(s.put("/collections/c/vectors/a:b", dense4).status()).isEqualTo(400);
            assertThat(s.get("/collections/c").json().at("/result/config").toString())
                    .isEqualTo(before);
            // the same schema again and a drop of a missing vector succeed and change nothing
            ok(s.put("/collections/c/vectors/a", "{\"dense\": {\"size\": 2, \"distance\": \"Dot\"}}"));
            ok(s.delete("/collections/c/vectors/missing"));
            assertThat(s.get("/collections/c").json().at("/result/config").toString())
                    .isEqualTo(before);
            assertThat(vectors(s, 9).at("/b").toString()).isEqualTo("[9.0,0.0,1.0]");
        }
    }
}
