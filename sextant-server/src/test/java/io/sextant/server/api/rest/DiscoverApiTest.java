package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import io.sextant.shard.LocalShard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * REST forms of discover, context, sample and relevance_feedback queries and the legacy {@code
 * points/discover} endpoints. Points 1..6 have the Dot vector {@code (i, 10 - i)}: for the pair
 * (positive 2, negative 5) the similarities are {@code 80 - 6i} and {@code 50}, so points 1, 3 and 4
 * side with the positive and 6 with the negative.
 */
class DiscoverApiTest {

    @TempDir
    static Path storage;

    static TestServer s;

    @BeforeAll
    static void start() {
        s = new TestServer(storage, LocalShard::open, java.util.Map.of());
        assertThat(s.put("/collections/d", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}")
                        .status())
                .isEqualTo(200);
        StringBuilder pts = new StringBuilder("{\"points\": [");
        for (int i = 1; i <= 6; i++) {
            pts.append(i > 1 ? "," : "")
                    .append("{\"id\": ")
                    .append(i)
                    .append(", \"vector\": [")
                    .append(i)
                    .append(", ")
                    .append(10 - i)
                    .append("], \"payload\": {\"odd\": ")
                    .append(i % 2 == 1)
                    .append("}}");
        }
        Response up = s.put("/collections/d/points?wait=true", pts.append("]}").toString());
        assertThat(up.status()).as(up.text()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    static List<Integer> ids(JsonNode points) {
        List<Integer> out = new ArrayList<>();
        points.forEach(p -> out.add(p.get("id").asInt()));
        return out;
    }

    static Response query(String body) {
        return s.post("/collections/d/points/query", body);
    }

    @Test
    void discoverQueryRanksByZoneThenTarget() {
        Response r = query("""
                {"query": {"discover": {"target": [1, 0], "context": {"positive": 2, "negative": 5}}},
                 "limit": 10, "with_payload": true}""");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode pts = r.json().at("/result/points");
        // zone +1: 4, 3, 1 by target sim i; zone -1: 6; inputs 2 and 5 excluded
        assertThat(ids(pts)).containsExactly(4, 3, 1, 6);
        // 1 + 0.5 * (4/5 + 1)
        assertThat(pts.at("/0/score").floatValue()).isCloseTo(1.9f, within(1e-6f));
        assertThat(pts.at("/0/payload/odd").asBoolean()).isFalse();
        assertThat(pts.at("/3/score").floatValue()).isCloseTo(-1 + 0.5f * (6f / 7 + 1), within(1e-6f));

        Response filtered = query("""
                {"query": {"discover": {"target": [1, 0], "context": [{"positive": 2, "negative": 5}]}},
                 "filter": {"must": [{"key": "odd", "match": {"value": false}}]}}""");
        assertThat(ids(filtered.json().at("/result/points"))).containsExactly(4, 6);

        Response noContextKey = query("{\"query\": {\"discover\": {\"target\": [1, 0]}}}");
        assertThat(noContextKey.status()).isEqualTo(400);
        assertThat(noContextKey.json().at("/status/error").asText()).contains("context");
    }

    @Test
    void contextQueryScoresAtMostZero() {
        Response r = query("{\"query\": {\"context\": [{\"positive\": 2, \"negative\": 5}]}, \"limit\": 10}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode pts = r.json().at("/result/points");
        assertThat(ids(pts)).containsExactly(1, 3, 4, 6);
        // 0 on the positive side (1, 3, 4; ties by id); point 6: 44 - 50 = -6 -> -6 / 7
        assertThat(pts.at("/0/score").floatValue()).isEqualTo(0f);
        assertThat(pts.at("/2/score").floatValue()).isEqualTo(0f);
        assertThat(pts.at("/3/score").floatValue()).isCloseTo(-6f / 7, within(1e-6f));
    }

    @Test
    void randomSampleAndRelevanceFeedback() {
        Set<String> orders = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            Response r = query("{\"query\": {\"sample\": \"random\"}}");
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            List<Integer> ids = ids(r.json().at("/result/points"));
            assertThat(ids).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
            orders.add(ids.toString());
        }
        assertThat(orders).hasSizeGreaterThan(1);
        assertThat(query("{\"query\": {\"sample\": \"other\"}}").status()).isEqualTo(400);

        Response fb = query("""
                {"query": {"relevance_feedback": {"target": [1, 0],
                  "feedback": [{"example": 6, "score": 0.1}, {"example": [0, 1], "score": 0.9}],
                  "strategy": {"naive": {"a": 0, "b": 1, "c": 1}}}}, "limit": 1}""");
        assertThat(fb.status()).as(fb.text()).isEqualTo(200);
        // pair ((0,1) over point 6's (6,4)), weight 0.8: 0.8 * ((10 - i) - (6i + 40 - 4i)) best at i = 1
        assertThat(ids(fb.json().at("/result/points"))).containsExactly(1);
        assertThat(fb.json().at("/result/points/0/score").floatValue()).isCloseTo(0.8f * (9 - 42), within(1e-4f));

        Response empty = query("""
                {"query": {"relevance_feedback": {"target": [1, 0], "feedback": [],
                  "strategy": {"naive": {"a": 1, "b": 1, "c": 1}}}}}""");
        assertThat(empty.status()).isEqualTo(422);
        assertThat(empty.json().at("/status/error").asText()).contains("feedback elements must be non-empty");
        Response negativeB = query("""
                {"query": {"relevance_feedback": {"target": [1, 0], "feedback": [{"example": 1, "score": 1}],
                  "strategy": {"naive": {"a": 1, "b": -1.0, "c": 1}}}}}""");
        assertThat(negativeB.json().at("/status/error").asText())
                .isEqualTo("Validation error in JSON body: [internal.query.relevance_feedback.strategy.naive.b:"
                        + " value -1.0 invalid, must be 0.0 or larger]");
    }

    @Test
    void legacyDiscoverEndpoints() {
        Response r = s.post("/collections/d/points/discover", """
                {"target": [1, 0], "context": [{"positive": 2, "negative": 5}], "limit": 2, "offset": 1}""");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(ids(r.json().get("result"))).containsExactly(3, 1);

        Response context = s.post("/collections/d/points/discover", """
                {"context": [{"positive": 2, "negative": 5}], "limit": 10}""");
        assertThat(ids(context.json().get("result"))).containsExactly(1, 3, 4, 6);

        Response neither = s.post("/collections/d/points/discover", "{\"limit\": 3}");
        assertThat(neither.status()).isEqualTo(400);
        assertThat(neither.json().at("/status/error").asText())
                .isEqualTo("Bad request: target and/or context_pairs must be specified");

        Response batch = s.post("/collections/d/points/discover/batch", """
                {"searches": [{"target": 6, "limit": 1}, {"context": {"positive": 2, "negative": 5}, "limit": 1}]}""");
        assertThat(batch.status()).as(batch.text()).isEqualTo(200);
        // target 6 = (6,4): nearest by dot among the others is 5 = (5,5): 50
        assertThat(ids(batch.json().at("/result/0"))).containsExactly(5);
        assertThat(ids(batch.json().at("/result/1"))).containsExactly(1);
    }

    @Test
    void multivectorAndSparseInputs() {
        assertThat(s.put("/collections/m", """
                        {"vectors": {"mv": {"size": 2, "distance": "Dot",
                          "multivector_config": {"comparator": "max_sim"}}}, "sparse_vectors": {"sp": {}}}""").status()).isEqualTo(200);
        Response up = s.put("/collections/m/points?wait=true", """
                {"points": [
                  {"id": 1, "vector": {"mv": [[1, 0], [0, 1]], "sp": {"indices": [1, 2], "values": [1, 0.5]}}},
                  {"id": 2, "vector": {"mv": [[2, 0]], "sp": {"indices": [2], "values": [2]}}},
                  {"id": 3, "vector": {"mv": [[0, 3]], "sp": {"indices": [1], "values": [3]}}}]}""");
        assertThat(up.status()).as(up.text()).isEqualTo(200);

        // max_sim: point 2 sides with (1,0) over (0,1) and scores 1 + sigmoid01(2); point 1 ties
        Response mv = s.post("/collections/m/points/query", """
                {"query": {"discover": {"target": [[1, 1]],
                  "context": [{"positive": [[1, 0]], "negative": [[0, 1]]}]}}, "using": "mv"}""");
        assertThat(mv.status()).as(mv.text()).isEqualTo(200);
        JsonNode pts = mv.json().at("/result/points");
        assertThat(ids(pts)).containsExactly(2, 1, 3);
        assertThat(pts.at("/0/score").floatValue()).isCloseTo(1 + 0.5f * (2f / 3 + 1), within(1e-6f));
        assertThat(pts.at("/1/score").floatValue()).isCloseTo(0.75f, within(1e-6f));
        assertThat(pts.at("/2/score").floatValue()).isCloseTo(-1 + 0.5f * (3f / 4 + 1), within(1e-6f));

        // sparse dot: point 2 is 2 closer to the negative -> -2/3
        Response sp = s.post("/collections/m/points/query", """
                {"query": {"context": {"positive": {"indices": [1], "values": [1]},
                  "negative": {"indices": [2], "values": [1]}}}, "using": "sp"}""");
        assertThat(sp.status()).as(sp.text()).isEqualTo(200);
        assertThat(ids(sp.json().at("/result/points"))).containsExactly(1, 3, 2);
        assertThat(sp.json().at("/result/points/2/score").floatValue()).isCloseTo(-2f / 3, within(1e-6f));
    }

    @Test
    void shapeAndLookupErrors() {
        Response fusionUsing = query("""
                {"prefetch": [{"query": [1, 0]}], "query": {"fusion": "rrf"}, "using": "x"}""");
        assertThat(fusionUsing.json().at("/status/error").asText())
                .isEqualTo("Bad request: Fusion queries cannot be combined with the 'using' field.");
        Response missing = query("{\"query\": [1, 0], \"lookup_from\": {\"collection\": \"nope\"}}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().at("/status/error").asText()).isEqualTo("Not found: Collection nope not found");
        Response zero = query("{\"query\": [1, 0], \"limit\": 0}");
        assertThat(zero.status()).isEqualTo(422);
        Response huge = query("{\"query\": [1, 0], \"limit\": 18446744073709551615}");
        assertThat(huge.status()).as(huge.text()).isEqualTo(200);
        assertThat(huge.json().at("/result/points").size()).isEqualTo(6);
        Response noExamples = query("{\"query\": {\"recommend\": {\"positive\": []}}}");
        assertThat(noExamples.status()).isEqualTo(422);
    }
}
