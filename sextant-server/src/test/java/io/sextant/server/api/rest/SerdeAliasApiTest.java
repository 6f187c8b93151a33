package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alternative field names Qdrant's request structs accept through {@code #[serde(alias)]}:
 * {@code top} for {@code limit} in the legacy search, recommend and discover requests, {@code
 * vectors} for {@code vector} in points, vector updates and vector deletes, and the {@code _kb}
 * spellings of the HNSW and optimizer thresholds. Giving both spellings is a 400.
 */
class SerdeAliasApiTest {

    @TempDir
    static Path storage;

    static TestServer s;

    @BeforeAll
    static void start() {
        s = TestServer.start(storage);
        ok(s.put("/collections/a", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}"));
        ok(s.put("/collections/a/points?wait=true", """
                {"points": [
                  {"id": 1, "vector": [1, 0]}, {"id": 2, "vector": [2, 0]},
                  {"id": 3, "vector": [3, 0]}, {"id": 4, "vector": [4, 0]}]}"""));
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    static JsonNode ok(Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().get("result");
    }

    static List<Long> ids(JsonNode hits) {
        List<Long> out = new ArrayList<>();
        hits.forEach(h -> out.add(h.get("id").asLong()));
        return out;
    }

    @Test
    void searchAcceptsTopForLimit() {
        JsonNode hits = ok(s.post("/collections/a/points/search", "{\"vector\": [1, 0], \"top\": 2}"));
        assertThat(ids(hits)).containsExactly(4L, 3L);
    }

    @Test
    void searchBatchAcceptsTopForLimit() {
        JsonNode res = ok(s.post(
                "/collections/a/points/search/batch",
                "{\"searches\": [{\"vector\": [1, 0], \"top\": 1}, {\"vector\": [1, 0], \"limit\": 3}]}"));
        assertThat(ids(res.get(0))).containsExactly(4L);
        assertThat(ids(res.get(1))).containsExactly(4L, 3L, 2L);
    }

    @Test
    void recommendAcceptsTopForLimit() {
        JsonNode hits = ok(s.post("/collections/a/points/recommend", "{\"positive\": [1], \"top\": 2}"));
        assertThat(ids(hits)).containsExactly(4L, 3L);
    }

    @Test
    void discoverAcceptsTopForLimit() {
        JsonNode hits = ok(s.post("/collections/a/points/discover", "{\"target\": [1, 0], \"top\": 1}"));
        assertThat(ids(hits)).hasSize(1);
    }

    @Test
    void topAndLimitTogetherIsADuplicateField() {
        Response r = s.post("/collections/a/points/search", "{\"vector\": [1, 0], \"top\": 2, \"limit\": 2}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("status").path("error").asText()).contains("duplicate field `limit`");
    }

    @Test
    void upsertAcceptsVectorsForVector() {
        ok(s.put("/collections/a/points?wait=true", "{\"points\": [{\"id\": 10, \"vectors\": [0, 5]}]}"));
        JsonNode p = ok(s.get("/collections/a/points/10"));
        assertThat(p.get("vector").get(0).asDouble()).isEqualTo(0.0);
        assertThat(p.get("vector").get(1).asDouble()).isEqualTo(5.0);
    }

    @Test
    void updateAndDeleteVectorsAcceptVectorsForVector() {
        ok(s.put("/collections/a/points?wait=true", "{\"points\": [{\"id\": 20, \"vector\": [1, 1]}]}"));
        ok(s.put("/collections/a/points/vectors?wait=true", "{\"points\": [{\"id\": 20, \"vectors\": [7, 8]}]}"));
        JsonNode p = ok(s.get("/collections/a/points/20"));
        assertThat(p.get("vector").get(0).asDouble()).isEqualTo(7.0);
        ok(s.post("/collections/a/points/vectors/delete?wait=true", "{\"points\": [20], \"vectors\": [\"\"]}"));
        JsonNode after = ok(s.get("/collections/a/points/20"));
        assertThat(after.path("vector").isEmpty()).as(after.toString()).isTrue();
    }

    @Test
    void hnswAndOptimizerThresholdsAcceptKbSpellings() {
        ok(s.put("/collections/kb", """
                {"vectors": {"size": 2, "distance": "Dot", "hnsw_config": {"full_scan_threshold_kb": 123}},
                 "hnsw_config": {"full_scan_threshold_kb": 4321},
                 "optimizers_config": {"indexing_threshold_kb": 555, "max_segment_size_kb": 7777,
                                       "memmap_threshold_kb": 8888}}"""));
        JsonNode cfg = ok(s.get("/collections/kb")).get("config");
        assertThat(cfg.at("/hnsw_config/full_scan_threshold").asLong()).isEqualTo(4321);
        assertThat(cfg.at("/params/vectors/hnsw_config/full_scan_threshold").asLong())
                .isEqualTo(123);
        assertThat(cfg.at("/optimizer_config/indexing_threshold").asLong()).isEqualTo(555);
        assertThat(cfg.at("/optimizer_config/max_segment_size").asLong()).isEqualTo(7777);
        assertThat(cfg.at("/optimizer_config/memmap_threshold").asLong()).isEqualTo(8888);

        ok(s.patch("/collections/kb", "{\"optimizers_config\": {\"indexing_threshold_kb\": 999}}"));
        cfg = ok(s.get("/collections/kb")).get("config");
        assertThat(cfg.at("/optimizer_config/indexing_threshold").asLong()).isEqualTo(999);
    }
}
