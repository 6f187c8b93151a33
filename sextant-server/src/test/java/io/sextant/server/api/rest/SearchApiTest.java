package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import io.sextant.shard.LocalShard;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchApiTest {

    @TempDir
    static Path storage;

    static TestServer s;

    @BeforeAll
    static void start() {
        // a 1 MiB body limit so that the 413 test stays small
        s = new TestServer(storage, LocalShard::open, Map.of("SEXTANT__SERVICE__MAX_REQUEST_SIZE_MB", "1"));
        assertThat(s.put("/collections/s", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}")
                        .status())
                .isEqualTo(200);
        Response up = s.put("/collections/s/points?wait=true", """
                {"points": [
                  {"id": 1, "vector": [1, 0], "payload": {"g": "a", "t": "2024-01-01T00:00:00Z"}},
                  {"id": 2, "vector": [0.9, 0.1], "payload": {"g": "a", "t": "2024-06-01T00:00:00Z"}},
                  {"id": 3, "vector": [0, 1], "payload": {"g": "b", "t": "2025-01-01T00:00:00Z"}}
                ]}
                """);
        assertThat(up.status()).as(up.text()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    @Test
    void universalQuery() {
        Response r = s.post("/collections/s/points/query", "{\"query\": [1, 0], \"limit\": 2, \"with_payload\": true}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        var pts = r.json().at("/result/points");
        assertThat(pts.size()).isEqualTo(2);
        assertThat(pts.at("/0/id").asInt()).isEqualTo(1);
        assertThat(pts.at("/0/score").asDouble()).isEqualTo(1.0);
        assertThat(pts.at("/0/payload/g").asText()).isEqualTo("a");
        assertThat(pts.at("/0/version").isIntegralNumber()).isTrue();

        Response nearest = s.post(
                "/collections/s/points/query",
                "{\"query\": {\"nearest\": [0, 1]}, \"filter\": {\"must\": [{\"key\": \"t\", \"range\": {\"lt\": \"2024-12-31T00:00:00Z\"}}]}}");
        assertThat(nearest.status()).as(nearest.text()).isEqualTo(200);
        assertThat(nearest.json().at("/result/points").size()).isEqualTo(2);
        assertThat(nearest.json().at("/result/points/0/id").asInt()).isEqualTo(2);

        Response byId = s.post("/collections/s/points/query", "{\"query\": 3, \"limit\": 1}");
        assertThat(byId.status()).as(byId.text()).isEqualTo(200);

        Response batch = s.post(
                "/collections/s/points/query/batch",
                "{\"searches\": [{\"query\": [1, 0], \"limit\": 1}, {\"query\": [0, 1], \"limit\": 1}]}");
        assertThat(batch.status()).as(batch.text()).isEqualTo(200);
        assertThat(batch.json().at("/result/0/points/0/id").asInt()).isEqualTo(1);
        assertThat(batch.json().at("/result/1/points/0/id").asInt()).isEqualTo(3);

        Response groups = s.post(
                "/collections/s/points/query/groups",
                "{\"query\": [1, 0], \"group_by\": \"g\", \"group_size\": 1, \"limit\": 5}");
        assertThat(groups.status()).as(groups.text()).isEqualTo(200);
        assertThat(groups.json().at("/result/groups").size()).isEqualTo(2);
        assertThat(groups.json().at("/result/groups/0/id").asText()).isEqualTo("a");

        Response fusion = s.post(
                "/collections/s/points/query",
                "{\"prefetch\": [{\"query\": [1, 0], \"limit\": 3}, {\"query\": [0, 1], \"limit\": 3}], \"query\": {\"fusion\": \"rrf\"}}");
        assertThat(fusion.status()).as(fusion.text()).isEqualTo(200);
        assertThat(fusion.json().at("/result/points").size()).isEqualTo(3);
    }

    @Test
    void legacySearchAndRecommend() {
        Response search =
                s.post("/collections/s/points/search", "{\"vector\": [0, 1], \"limit\": 1, \"with_vector\": true}");
        assertThat(search.status()).as(search.text()).isEqualTo(200);
        assertThat(search.json().at("/result/0/id").asInt()).isEqualTo(3);
        assertThat(search.json().at("/result/0/vector").isArray()).isTrue();
        Response batch =
                s.post("/collections/s/points/search/batch", "{\"searches\": [{\"vector\": [1, 0], \"limit\": 1}]}");
        assertThat(batch.json().at("/result/0/0/id").asInt()).isEqualTo(1);
        Response rec = s.post("/collections/s/points/recommend", "{\"positive\": [1], \"limit\": 1}");
        assertThat(rec.status()).as(rec.text()).isEqualTo(200);
        assertThat(rec.json().at("/result/0/id").asInt()).isEqualTo(2);
        Response recBatch =
                s.post("/collections/s/points/recommend/batch", "{\"searches\": [{\"positive\": [3], \"limit\": 1}]}");
        assertThat(recBatch.status()).as(recBatch.text()).isEqualTo(200);
        assertThat(recBatch.json().get("result").size()).isEqualTo(1);
    }

    @Test
    void badSearches() {
        Response dim = s.post("/collections/s/points/query", "{\"query\": [1, 0, 0]}");
        assertThat(dim.status()).as(dim.text()).isEqualTo(400);
        Response neg = s.post("/collections/s/points/query", "{\"query\": [1, 0], \"limit\": -1}");
        assertThat(neg.status()).isEqualTo(400);
        assertThat(neg.json().at("/status/error").asText()).contains("limit");
        Response noLimit = s.post("/collections/s/points/search", "{\"vector\": [1, 0]}");
        assertThat(noLimit.status()).isEqualTo(400);
        Response badFilter = s.post(
                "/collections/s/points/query",
                "{\"query\": [1, 0], \"filter\": {\"must\": [{\"key\": \"g\", \"match\": {\"value\": 1.5}}]}}");
        assertThat(badFilter.status()).isEqualTo(400);
        Response unknownQuery = s.post("/collections/s/points/query", "{\"query\": {\"teleport\": 1}}");
        assertThat(unknownQuery.status()).isEqualTo(400);
        Response missing = s.post("/collections/nope/points/query", "{\"query\": [1, 0]}");
        assertThat(missing.status()).isEqualTo(404);
        Response badWait = s.put("/collections/s/points?wait=maybe", "{\"points\": []}");
        assertThat(badWait.status()).isEqualTo(400);
    }

    @Test
    void oversizedBodyIs413AndChangesNothing() {
        StringBuilder big = new StringBuilder("{\"points\": [");
        for (int i = 0; i < 60_000; i++) {
            big.append(i == 0 ? "" : ",").append("{\"id\": ").append(100 + i).append(", \"vector\": [1, 2]}");
        }
        big.append("]}");
        Response r = s.put("/collections/s/points?wait=true", big.toString());
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().at("/status/error").asText()).contains("max_request_size_mb");
        assertThat(s.post("/collections/s/points/count", "{}")
                        .json()
                        .at("/result/count")
                        .asInt())
                .isEqualTo(3);
    }
}
