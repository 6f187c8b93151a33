package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import io.sextant.server.testing.TestServer.Response;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile sizes over HTTP against small collections: limits, offsets, {@code hnsw_ef}, {@code
 * oversampling}, group sizes and batch lengths near {@code Integer.MAX_VALUE}. Every answer is a
 * 200 with no more points than the collection holds (exactly the points a correct engine returns),
 * or a 4xx in Qdrant's error shape; never a 5xx, never an {@code OutOfMemoryError}; and the server
 * answers normally after each request. The default heap cannot hold a top-k of two billion entries,
 * so a request that sizes a buffer by the raw limit fails here at once instead of using the memory.
 */
class RequestLimitsApiTest {

    static final int HUGE = 2_000_000_000;
    static final int MAX = Integer.MAX_VALUE;
    /** Points of {@code lim} and {@code lim3}. */
    static final int N = 10;
    /** Points of the indexed, quantized collection {@code idx}. */
    static final int INDEXED = 300;

    static final String Q = "[1, 0.5, 0.25, 0.125]";

    @TempDir
    static Path storage;

    static TestServer s;

    @BeforeAll
    static void start() {
        s = TestServer.start(storage);
        create("lim", "{\"vectors\": {\"size\": 4, \"distance\": \"Dot\"}}");
        create("lim3", "{\"vectors\": {\"size\": 4, \"distance\": \"Dot\"}, \"shard_number\": 3}");
        StringBuilder pts = new StringBuilder("{\"points\": [");
        for (int i = 1; i <= N; i++) {
            pts.append(i == 1 ? "" : ",")
                    .append("{\"id\": %d, \"vector\": [%d, 1, 0, 0], \"payload\": {\"g\": \"g%d\", \"n\": %d}}"
                            .formatted(i, i, i % 3, i));
        }
        String body = pts.append("]}").toString();
        for (String c : new String[] {"lim", "lim3"}) {
            Response up = s.put("/collections/" + c + "/points?wait=true", body);
            assertThat(up.status()).as(up.text()).isEqualTo(200);
        }
        // 32 bytes per vector: a 4 KB indexing threshold builds graphs and int8 codes
        create("idx", """
                {"vectors": {"size": 8, "distance": "Cosine"},
                 "hnsw_config": {"m": 8, "ef_construct": 32, "full_scan_threshold": 10},
                 "quantization_config": {"scalar": {"type": "int8", "always_ram": true}},
                 "optimizers_config": {"indexing_threshold": 4, "default_segment_number": 1}}
                """);
        SplittableRandom rnd = new SplittableRandom(7);
        StringBuilder ipts = new StringBuilder("{\"points\": [");
        for (int i = 0; i < INDEXED; i++) {
            ipts.append(i == 0 ? "" : ",").append("{\"id\": ").append(i).append(", \"vector\": [");
            for (int d = 0; d < 8; d++) {
                ipts.append(d == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", rnd.nextGaussian()));
            }
            ipts.append("]}");
        }
        Response up =
                s.put("/collections/idx/points?wait=true", ipts.append("]}").toString());
        assertThat(up.status()).as(up.text()).isEqualTo(200);
        s.awaitIndexed("idx", INDEXED);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    static void create(String name, String body) {
        Response r = s.put("/collections/" + name, body);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    /** After every hostile request the server still serves an ordinary search. */
    @AfterEach
    void stillServing() {
        Response r = s.post("/collections/lim/points/query", "{\"query\": " + Q + ", \"limit\": 3}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().at("/result/points").size()).isEqualTo(3);
    }

    /** The result of a 200, failing with the response on anything else. */
    static JsonNode ok(Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().at("/status").asText()).isEqualTo("ok");
        return r.json().get("result");
    }

    /** A 4xx in Qdrant's shape: {@code {"status":{"error":"…"},"time":…}}. */
    static String clientError(Response r) {
        assertThat(r.status()).as(r.text()).isBetween(400, 499);
        assertThat(r.json()).as(r.text()).isNotNull();
        assertThat(r.json().at("/status/error").isTextual()).as(r.text()).isTrue();
        assertThat(r.json().at("/time").isNumber()).as(r.text()).isTrue();
        return r.json().at("/status/error").asText();
    }

    static Response query(String collection, String body) {
        return s.post("/collections/" + collection + "/points/query", body);
    }

    @Test
    void hugeLimitReturnsEveryPoint() {
        assertThat(ok(query("lim", "{\"query\": " + Q + ", \"limit\": " + HUGE + "}"))
                        .at("/points")
                        .size())
                .isEqualTo(N);
        assertThat(ok(query("lim", "{\"query\": " + Q + ", \"limit\": " + MAX + ", \"with_payload\": true}"))
                        .at("/points")
                        .size())
                .isEqualTo(N);
        assertThat(ok(s.post("/collections/lim/points/search", "{\"vector\": " + Q + ", \"limit\": " + HUGE + "}"))
                        .size())
                .isEqualTo(N);
    }

    @Test
    void offsetPlusLimitNeverOverflows() {
        for (String c : new String[] {"lim", "lim3"}) {
            assertThat(ok(query(c, "{\"query\": " + Q + ", \"limit\": " + MAX + ", \"offset\": 3}"))
                            .at("/points")
                            .size())
                    .as(c)
                    .isEqualTo(N - 3);
            assertThat(ok(query(c, "{\"query\": " + Q + ", \"limit\": " + MAX + ", \"offset\": " + MAX + "}"))
                            .at("/points")
                            .size())
                    .as(c)
                    .isZero();
            assertThat(ok(s.post(
                                    "/collections/" + c + "/points/search",
                                    "{\"vector\": " + Q + ", \"limit\": " + MAX + ", \"offset\": 2}"))
                            .size())
                    .as(c)
                    .isEqualTo(N - 2);
        }
        // the best point is id 10 (vector (10, 1, 0, 0)); offset 1 starts at id 9
        assertThat(ok(query("lim", "{\"query\": " + Q + ", \"limit\": " + MAX + ", \"offset\": 1}"))
                        .at("/points/0/id")
                        .asInt())
                .isEqualTo(9);
    }

    @Test
    void queriesWithoutNearestPageWithoutOverflow() {
        // no query: points in id order
        JsonNode byId =
                ok(query("lim", "{\"limit\": " + MAX + ", \"offset\": 1}")).at("/points");
        assertThat(byId.size()).isEqualTo(N - 1);
        assertThat(byId.at("/0/id").asInt()).isEqualTo(2);
        // order_by a payload value
        JsonNode ordered = ok(query("lim", "{\"query\": {\"order_by\": \"n\"}, \"limit\": " + MAX + ", \"offset\": 1}"))
                .at("/points");
        assertThat(ordered.size()).isEqualTo(N - 1);
        assertThat(ordered.at("/0/id").asInt()).isEqualTo(2);
        // fusion of two prefetches that ask for two billion candidates each
        JsonNode fused = ok(query(
                        "lim",
                        "{\"prefetch\": [{\"query\": " + Q + ", \"limit\": " + HUGE + "}, {\"query\": [0, 1, 0, 0],"
                                + " \"limit\": " + HUGE + "}], \"query\": {\"fusion\": \"rrf\"}, \"limit\": " + MAX
                                + ", \"offset\": 2}"))
                .at("/points");
        assertThat(fused.size()).isEqualTo(N - 2);
        // recommend best_score: the positive example is excluded, then one skipped
        JsonNode best = ok(query(
                        "lim",
                        "{\"query\": {\"recommend\": {\"positive\": [1], \"strategy\": \"best_score\"}}, \"limit\": "
                                + MAX + ", \"offset\": 1}"))
                .at("/points");
        assertThat(best.size()).isEqualTo(N - 2);
        // prefetch then nearest re-scoring
        assertThat(ok(query(
                                "lim",
                                "{\"prefetch\": {\"limit\": " + HUGE + "}, \"query\": " + Q + ", \"limit\": " + MAX
                                        + ", \"offset\": 4}"))
                        .at("/points")
                        .size())
                .isEqualTo(N - 4);
    }

    @Test
    void legacyRecommendWithHugeLimit() {
        assertThat(ok(s.post("/collections/lim/points/recommend", "{\"positive\": [1], \"limit\": " + HUGE + "}"))
                        .size())
                .isEqualTo(N - 1);
        assertThat(ok(s.post(
                                "/collections/lim/points/recommend",
                                "{\"positive\": [1], \"strategy\": \"sum_scores\", \"limit\": " + MAX
                                        + ", \"offset\": 3}"))
                        .size())
                .isEqualTo(N - 4);
    }

    @Test
    void groupsWithHugeGroupSizeAndLimit() {
        JsonNode groups = ok(s.post(
                        "/collections/lim/points/query/groups",
                        "{\"query\": " + Q + ", \"group_by\": \"g\", \"group_size\": " + HUGE + ", \"limit\": " + HUGE
                                + "}"))
                .at("/groups");
        assertThat(groups.size()).isEqualTo(3);
        int total = 0;
        for (JsonNode g : groups) {
            total += g.at("/hits").size();
        }
        assertThat(total).isEqualTo(N);
        JsonNode withLookup = ok(s.post(
                        "/collections/lim/points/query/groups",
                        "{\"query\": " + Q + ", \"group_by\": \"n\", \"group_size\": " + MAX + ", \"limit\": " + MAX
                                + ", \"with_lookup\": \"lim\"}"))
                .at("/groups");
        assertThat(withLookup.size()).isEqualTo(N);
    }

    @Test
    void scrollAndRetrieveWithHugeSizes() {
        JsonNode page = ok(s.post("/collections/lim/points/scroll", "{\"limit\": " + MAX + "}"));
        assertThat(page.at("/points").size()).isEqualTo(N);
        assertThat(page.at("/next_page_offset").isNull()).isTrue();
        StringBuilder ids = new StringBuilder("{\"ids\": [");
        for (int i = 0; i < 200_000; i++) {
            ids.append(i == 0 ? "" : ",").append(i % 50_000);
        }
        assertThat(ok(s.post("/collections/lim/points", ids.append("]}").toString()))
                        .size())
                .isEqualTo(N);
    }

    @Test
    void hugeEfAndOversamplingOnAnIndexedQuantizedCollection() {
        for (String params : new String[] {
            "{\"hnsw_ef\": " + HUGE + "}",
            "{\"hnsw_ef\": " + MAX + ", \"quantization\": {\"oversampling\": 1e30}}",
            "{\"quantization\": {\"oversampling\": 1.7e308, \"rescore\": false}}",
            "{\"quantization\": {\"oversampling\": " + HUGE + ", \"rescore\": true}}"
        }) {
            String q = "[1, 0, 0, 0, 0, 0, 0, 1]";
            assertThat(ok(query("idx", "{\"query\": " + q + ", \"limit\": 5, \"params\": " + params + "}"))
                            .at("/points")
                            .size())
                    .as(params)
                    .isEqualTo(5);
            assertThat(ok(query("idx", "{\"query\": " + q + ", \"limit\": " + HUGE + ", \"params\": " + params + "}"))
                            .at("/points")
                            .size())
                    .as(params)
                    .isEqualTo(INDEXED);
            assertThat(ok(s.post(
                                    "/collections/idx/points/search",
                                    "{\"vector\": " + q + ", \"limit\": 7, \"offset\": " + MAX + ", \"params\": "
                                            + params + "}"))
                            .size())
                    .as(params)
                    .isZero();
        }
    }

    @Test
    void batchesOfHugeLimits() {
        String one = "{\"vector\": " + Q + ", \"limit\": " + HUGE + "}";
        JsonNode search = ok(s.post(
                "/collections/lim/points/search/batch", "{\"searches\": [" + one + "," + one + "," + one + "]}"));
        assertThat(search.size()).isEqualTo(3);
        search.forEach(r -> assertThat(r.size()).isEqualTo(N));
        String rec = "{\"positive\": [2], \"limit\": " + HUGE + "}";
        JsonNode recommend =
                ok(s.post("/collections/lim/points/recommend/batch", "{\"searches\": [" + rec + "," + rec + "]}"));
        recommend.forEach(r -> assertThat(r.size()).isEqualTo(N - 1));
        String q = "{\"query\": " + Q + ", \"limit\": " + MAX + ", \"offset\": 5}";
        JsonNode queries = ok(s.post("/collections/lim/points/query/batch", "{\"searches\": [" + q + "," + q + "]}"));
        queries.forEach(r -> assertThat(r.at("/points").size()).isEqualTo(N - 5));
    }

    @Test
    void aBatchThatWouldReturnTooManyPointsIsRefusedWith400() {
        String one = "{\"query\": " + Q + ", \"limit\": " + HUGE + "}";
        int searches = 100_001; // 1,000,010 result points: just over the per-request budget
        StringBuilder body = new StringBuilder("{\"searches\": [");
        for (int i = 0; i < searches; i++) {
            body.append(i == 0 ? "" : ",").append(one);
        }
        String error = clientError(
                s.post("/collections/lim/points/query/batch", body.append("]}").toString()));
        assertThat(error).contains("1000010 > 1000000").contains("\"searches\"");
        // the same through the legacy batch endpoint
        String legacy = body.toString().replace("\"query\"", "\"vector\"");
        assertThat(clientError(s.post("/collections/lim/points/search/batch", legacy)))
                .contains("1000010 > 1000000");
    }

    @Test
    void deeplyNestedPrefetchesAnswerWithoutA500() {
        String inner = "{\"query\": " + Q + ", \"limit\": " + HUGE + "}";
        for (int depth = 0; depth < 400; depth++) {
            inner = "{\"prefetch\": " + inner + ", \"query\": " + Q + ", \"limit\": " + HUGE + "}";
        }
        Response r = query("lim", inner.substring(0, inner.length() - 1) + ", \"offset\": 1}");
        if (r.status() == 200) {
            assertThat(r.json().at("/result/points").size()).isEqualTo(N - 1);
        } else {
            clientError(r);
        }
    }

    @Test
    void wrongAndHugeVectorDimensionsAre400() {
        StringBuilder big = new StringBuilder("[");
        for (int i = 0; i < 100_000; i++) {
            big.append(i == 0 ? "" : ",").append("0.5");
        }
        String v = big.append("]").toString();
        assertThat(clientError(query("lim", "{\"query\": " + v + ", \"limit\": " + HUGE + "}")))
                .contains("dim");
        assertThat(clientError(s.post("/collections/lim/points/search", "{\"vector\": [1], \"limit\": " + MAX + "}")))
                .contains("dim");
    }
}
