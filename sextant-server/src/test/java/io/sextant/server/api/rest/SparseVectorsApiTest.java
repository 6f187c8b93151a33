package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

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
 * Sparse vectors over REST as Qdrant serves them: config in and out, points in and out (indices
 * unsigned, sorted), dot-product search of overlapping points only, the idf modifier, hybrid
 * prefetch with weighted RRF, PATCH, legacy search, recommend, and Qdrant's 400s that change
 * nothing.
 */
class SparseVectorsApiTest {
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

    static void create(String name, String modifier) {
        Response r = s.put(
                "/collections/" + name,
                "{\"vectors\": {\"dense\": {\"size\": 2, \"distance\": \"Dot\"}}, \"sparse_vectors\": {\"text\": "
                        + "{\"modifier\": \"" + modifier + "\", \"index\": {\"full_scan_threshold\": 10}}}}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        // 1: dims 1, 2^32-1; 2: dims 1, 2; 3: dense only; 4: dim 2
        r = s.put("/collections/" + name + "/points?wait=true", """
                {"points": [
                 {"id": 1, "vector": {"dense": [1, 0], "text": {"indices": [4294967295, 1], "values": [2.0, 1.0]}}},
                 {"id": 2, "vector": {"dense": [0, 1], "text": {"indices": [1, 2], "values": [1.0, 3.0]}}},
                 {"id": 3, "vector": {"dense": [1, 1]}},
                 {"id": 4, "vector": {"dense": [0.5, 0.5], "text": {"indices": [2], "values": [0.5]}}}]}
                """);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    static List<Object[]> hits(Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode pts = r.json().at("/result/points").isMissingNode()
                ? r.json().at("/result")
                : r.json().at("/result/points");
        List<Object[]> out = new ArrayList<>();
        for (JsonNode p : pts) {
            out.add(new Object[] {p.get("id").asLong(), (float) p.get("score").asDouble()});
        }
        return out;
    }

    static double idf(int n, int df) {
        return Math.log((n - df + 0.5) / (df + 0.5) + 1);
    }

    @Test
    void configAndPointsRoundTripWithUnsignedSortedIndices() {
        create("rt", "none");
        JsonNode cfg = s.get("/collections/rt").json().at("/result/config/params/sparse_vectors");
        assertThat(cfg.toString())
                .isEqualTo("{\"text\":{\"index\":{\"full_scan_threshold\":10},\"modifier\":\"none\"}}");
        JsonNode v = s.get("/collections/rt/points/1").json().at("/result/vector");
        assertThat(v.get("text").toString()).isEqualTo("{\"indices\":[1,4294967295],\"values\":[1.0,2.0]}");
        assertThat(v.get("dense").toString()).isEqualTo("[1.0,0.0]");
        assertThat(s.get("/collections/rt/points/3").json().at("/result/vector").has("text"))
                .isFalse();
    }

    @Test
    void nearestScoresOverlappingPointsByDotProduct() {
        create("dot", "none");
        List<Object[]> h = hits(s.post(
                "/collections/dot/points/query",
                "{\"query\": {\"indices\": [2, 4294967295], \"values\": [1, 1]}, \"using\": \"text\"}"));
        assertThat(h).extracting(x -> x[0]).containsExactly(2L, 1L, 4L);
        assertThat((float) h.get(0)[1]).isEqualTo(3f);
        assertThat((float) h.get(1)[1]).isEqualTo(2f);
        assertThat((float) h.get(2)[1]).isEqualTo(0.5f);
        // legacy search with a named sparse vector, and a filter
        List<Object[]> legacy = hits(s.post(
                "/collections/dot/points/search",
                "{\"vector\": {\"name\": \"text\", \"vector\": {\"indices\": [2], \"values\": [2]}}, \"limit\": 1,"
                        + " \"filter\": {\"must_not\": [{\"has_id\": [2]}]}}"));
        assertThat(legacy).extracting(x -> x[0]).containsExactly(4L);
        assertThat((float) legacy.get(0)[1]).isEqualTo(1f);
    }

    @Test
    void idfModifierWeighsQueryDimensionsByCollectionStatistics() {
        create("idf", "idf");
        // 3 points have the sparse vector; dim 1 in 2 of them, dim 2^32-1 in 1
        List<Object[]> h = hits(s.post(
                "/collections/idf/points/query",
                "{\"query\": {\"indices\": [1, 4294967295], \"values\": [1, 1]}, \"using\": \"text\"}"));
        assertThat(h).extracting(x -> x[0]).containsExactly(1L, 2L);
        assertThat((double) (float) h.get(0)[1]).isCloseTo(idf(3, 2) + 2 * idf(3, 1), offset(1e-5));
        assertThat((double) (float) h.get(1)[1]).isCloseTo(idf(3, 2), offset(1e-5));
        // PATCH to modifier none: raw dot products
        Response p = s.patch("/collections/idf", "{\"sparse_vectors\": {\"text\": {\"modifier\": \"none\"}}}");
        assertThat(p.status()).as(p.text()).isEqualTo(200);
        assertThat(s.get("/collections/idf")
                        .json()
                        .at("/result/config/params/sparse_vectors/text/modifier")
                        .asText())
                .isEqualTo("none");
        List<Object[]> raw = hits(s.post(
                "/collections/idf/points/query",
                "{\"query\": {\"indices\": [1, 4294967295], \"values\": [1, 1]}, \"using\": \"text\"}"));
        assertThat((float) raw.get(0)[1]).isEqualTo(3f);
    }

    @Test
    void hybridPrefetchFusedWithWeightedRrf() {
        create("hy", "none");
        String prefetch = "\"prefetch\": [{\"query\": [1, 0], \"using\": \"dense\", \"limit\": 4},"
                + " {\"query\": {\"indices\": [2], \"values\": [1]}, \"using\": \"text\", \"limit\": 4}]";
        // dense ranks 1, 3, 4, 2; sparse ranks 2, 4. Plain rrf (k=2): 4 = 1/4 + 1/3, 2 = 1/5 + 1/2.
        List<Object[]> plain =
                hits(s.post("/collections/hy/points/query", "{" + prefetch + ", \"query\": {\"rrf\": {}}}"));
        assertThat(plain).extracting(x -> x[0]).containsExactly(2L, 4L, 1L, 3L);
        assertThat((float) plain.get(0)[1]).isCloseTo(1f / 5 + 1f / 2, offset(1e-6f));
        // weight w: rank r contributes 1 / ((r+1)/w + k - 1); dense weighted 10 lifts 1 and 3 but 2
        // keeps first place: 1/1.4 + 1/2 against 1/1.1
        List<Object[]> weighted = hits(s.post(
                "/collections/hy/points/query", "{" + prefetch + ", \"query\": {\"rrf\": {\"weights\": [10, 1]}}}"));
        assertThat(weighted).extracting(x -> x[0]).containsExactly(2L, 4L, 1L, 3L);
        assertThat((float) weighted.get(0)[1]).isCloseTo(1f / 1.4f + 0.5f, offset(1e-6f));
        assertThat((float) weighted.get(2)[1]).isCloseTo(1f / 1.1f, offset(1e-6f));
        // weight 0 silences the sparse branch: the dense order alone
        List<Object[]> denseOnly = hits(s.post(
                "/collections/hy/points/query", "{" + prefetch + ", \"query\": {\"rrf\": {\"weights\": [1, 0]}}}"));
        assertThat(denseOnly).extracting(x -> x[0]).containsExactly(1L, 3L, 4L, 2L);
        Response wrong =
                s.post("/collections/hy/points/query", "{" + prefetch + ", \"query\": {\"rrf\": {\"weights\": [1]}}}");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.text()).contains("Number of weights in RRF should match number of pre-fetches");
    }

    @Test
    void recommendFromStoredSparseVectors() {
        create("rec", "none");
        // average of point 2's vector: dims 1 and 2; point 2 itself is excluded
        List<Object[]> h = hits(s.post(
                "/collections/rec/points/query",
                "{\"query\": {\"recommend\": {\"positive\": [2]}}, \"using\": \"text\"}"));
        assertThat(h).extracting(x -> x[0]).containsExactly(4L, 1L);
        assertThat((float) h.get(0)[1]).isEqualTo(1.5f);
        List<Object[]> best = hits(
                s.post(
                        "/collections/rec/points/query",
                        "{\"query\": {\"recommend\": {\"positive\": [2], \"strategy\": \"best_score\"}}, \"using\": \"text\"}"));
        assertThat(best).extracting(x -> x[0]).contains(4L, 1L).doesNotContain(2L);
    }

    @Test
    void badSparseInputIsA400InQdrantsWordsAndChangesNothing() {
        create("bad", "none");
        String[][] cases = {
            {
                "{\"indices\": [1, 2], \"values\": [1]}",
                "points[0].vector.?.values: Validation error: must be the same length as indices"
            },
            {"{\"indices\": [5, 5], \"values\": [1, 2]}", "points[0].vector.?.indices: Validation error: must be unique"
            },
            {"{\"indices\": [4294967296], \"values\": [1]}", "4294967295"},
            {"{\"indices\": [-1], \"values\": [1]}", "4294967295"},
            {"{\"indices\": [1], \"values\": [\"x\"]}", "expected a number"},
        };
        for (String[] c : cases) {
            Response r = s.put(
                    "/collections/bad/points?wait=true",
                    "{\"points\": [{\"id\": 9, \"vector\": {\"text\": " + c[0] + "}}]}");
            assertThat(r.status()).as(c[0]).isEqualTo(400);
            assertThat(r.json().at("/status/error").asText()).as(c[0]).contains(c[1]);
        }
        Response unknown = s.put(
                "/collections/bad/points?wait=true",
                "{\"points\": [{\"id\": 9, \"vector\": {\"nope\": {\"indices\": [1], \"values\": [1]}}}]}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.text()).contains("Not existing vector name");
        assertThat(s.get("/collections/bad/points/9").status()).isEqualTo(404);
        Response dup = s.put(
                "/collections/dup",
                "{\"vectors\": {\"image\": {\"size\": 2, \"distance\": \"Dot\"}}, \"sparse_vectors\": {\"image\": {}}}");
        assertThat(dup.status()).isEqualTo(400);
        assertThat(dup.text()).contains("Dense and sparse vector names must be unique - duplicate found with 'image'");
        Response turbo =
                s.put("/collections/t4", "{\"sparse_vectors\": {\"t\": {\"index\": {\"datatype\": \"turbo4\"}}}}");
        assertThat(turbo.status()).isEqualTo(400);
        assertThat(turbo.text()).contains("sparse vectors do not support");
    }

    @Test
    void sparseOnlyCollectionSurvivesARestart() {
        Response r = s.put("/collections/only", "{\"sparse_vectors\": {\"text\": {}}}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(s.get("/collections/only")
                        .json()
                        .at("/result/config/params/vectors")
                        .toString())
                .isEqualTo("{}");
        r = s.put(
                "/collections/only/points?wait=true",
                "{\"points\": [{\"id\": 1, \"vector\": {\"text\": {\"indices\": [3], \"values\": [1.5]}}}]}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        s.close();
        s = TestServer.start(storage);
        assertThat(s.get("/collections/only/points/1")
                        .json()
                        .at("/result/vector/text")
                        .toString())
                .isEqualTo("{\"indices\":[3],\"values\":[1.5]}");
        assertThat(hits(s.post(
                        "/collections/only/points/query",
                        "{\"query\": {\"indices\": [3], \"values\": [2]}, \"using\": \"text\"}")))
                .extracting(x -> x[1])
                .containsExactly(3f);
    }

    @Test
    void bm25DocumentsForPointsAndQueries() {
        Response r = s.put("/collections/docs", "{\"sparse_vectors\": {\"text\": {\"modifier\": \"idf\"}}}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        r = s.put("/collections/docs/points?wait=true", """
                {"points": [
                 {"id": 1, "vector": {"text": {"text": "I must not fear. Fear is the mind-killer.", "model": "qdrant/bm25"}}},
                 {"id": 2, "vector": {"text": {"text": "It was a pleasure to burn.", "model": "Qdrant/BM25"}}},
                 {"id": 3, "vector": {"text": {"text": "The a an and or but", "model": "qdrant/bm25"}}}]}
                """);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        // stop words only: the document has no terms
        assertThat(s.get("/collections/docs/points/3")
                        .json()
                        .at("/result/vector/text/indices")
                        .size())
                .isZero();
        List<Object[]> h = hits(s.post(
                "/collections/docs/points/query",
                "{\"query\": {\"text\": \"fearing\", \"model\": \"qdrant/bm25\"}, \"using\": \"text\"}"));
        assertThat(h).extracting(x -> x[0]).containsExactly(1L); // stemmed: fearing ~ fear
        Response unknown = s.post(
                "/collections/docs/points/query",
                "{\"query\": {\"text\": \"x\", \"model\": \"openai/clip\"}, \"using\": \"text\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.text()).contains("openai/clip");
    }

    @Test
    void sparseVectorsAndTheirConfigSurviveSnapshotAndRecovery(@TempDir Path snapTmp) {
        Path snapshots = snapTmp.resolve("snapshots");
        try (TestServer t = new TestServer(
                snapTmp.resolve("storage"),
                io.sextant.shard.LocalShard::open,
                java.util.Map.of("SEXTANT__STORAGE__SNAPSHOTS_PATH", snapshots.toString()))) {
            Response r = t.put(
                    "/collections/snap",
                    "{\"sparse_vectors\": {\"text\": {\"modifier\": \"idf\", \"index\": {\"on_disk\": true}}},"
                            + " \"optimizers_config\": {\"indexing_threshold\": 1}}");
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            StringBuilder pts = new StringBuilder("{\"points\": [");
            for (int i = 0; i < 300; i++) {
                pts.append(i == 0 ? "" : ",")
                        .append("{\"id\": ")
                        .append(i)
                        .append(", \"vector\": {\"text\": {\"indices\": [")
                        .append(i % 17)
                        .append(", ")
                        .append(3_000_000_000L + i)
                        .append("], \"values\": [1, ")
                        .append(i)
                        .append("]}}}");
            }
            r = t.put("/collections/snap/points?wait=true", pts.append("]}").toString());
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            String query = "{\"query\": {\"indices\": [5, 3000000250], \"values\": [1, 1]}, \"using\": \"text\","
                    + " \"limit\": 5}";
            List<Object[]> before = hits(t.post("/collections/snap/points/query", query));
            Response created = t.post("/collections/snap/snapshots", null);
            assertThat(created.status()).as(created.text()).isEqualTo(200);
            String name = created.json().at("/result/name").asText();
            String file = snapshots.resolve("snap").resolve(name).toUri().toString();
            assertThat(t.delete("/collections/snap").status()).isEqualTo(200);
            r = t.put("/collections/snap_copy/snapshots/recover", "{\"location\": \"" + file + "\"}");
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            assertThat(t.get("/collections/snap_copy")
                            .json()
                            .at("/result/config/params/sparse_vectors")
                            .toString())
                    .isEqualTo("{\"text\":{\"index\":{\"on_disk\":true},\"modifier\":\"idf\"}}");
            assertThat(t.get("/collections/snap_copy/points/250")
                            .json()
                            .at("/result/vector/text")
                            .toString())
                    .isEqualTo("{\"indices\":[12,3000000250],\"values\":[1.0,250.0]}");
            List<Object[]> after = hits(t.post("/collections/snap_copy/points/query", query));
            assertThat(after)
                    .extracting(x -> x[0])
                    .containsExactlyElementsOf(before.stream().map(x -> x[0]).toList());
            assertThat(after)
                    .extracting(x -> x[1])
                    .containsExactlyElementsOf(before.stream().map(x -> x[1]).toList());
        }
    }

    @Test
    void mmrReordersSparseNearestCandidatesForDiversity() {
        create("mmr", "none");
        // dims 1 and 2: points 1 (1, 2^32-1) and 2 (1, 2) share dim 1; 4 has dim 2 only
        String q = "{\"indices\": [1, 2], \"values\": [1, 1]}";
        List<Object[]> plain =
                hits(s.post("/collections/mmr/points/query", "{\"query\": " + q + ", \"using\": \"text\"}"));
        assertThat(plain).extracting(x -> x[0]).containsExactly(2L, 1L, 4L);
        List<Object[]> diverse = hits(s.post(
                "/collections/mmr/points/query",
                "{\"query\": {\"nearest\": " + q + ", \"mmr\": {\"diversity\": 0.9, \"candidates_limit\": 10}},"
                        + " \"using\": \"text\"}"));
        // after 2 (relevance 4): 1 has relevance 1 and similarity 1 to 2, 4 relevance 0.5 and similarity 1.5
        // lambda 0.1: 1 -> 0.1 - 0.9 = -0.8, 4 -> 0.05 - 1.35 = -1.3: still 1 then 4
        assertThat(diverse).extracting(x -> x[0]).containsExactly(2L, 1L, 4L);
        assertThat((float) diverse.get(0)[1]).isEqualTo(4f);
        Response bad = s.post(
                "/collections/mmr/points/query",
                "{\"query\": {\"nearest\": " + q + ", \"mmr\": {\"diversity\": 2}}, \"using\": \"text\"}");
        assertThat(bad.status()).isEqualTo(400);
    }
}
